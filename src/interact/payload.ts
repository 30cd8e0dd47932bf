import * as z from 'zod';

/**
 * The part of Slack's `block_actions` interaction payload the remediator reads
 * (https://api.slack.com/reference/interaction-payloads/block-actions). It arrives as
 * `application/x-www-form-urlencoded` with one `payload` parameter holding JSON. Everything else Slack sends
 * (the message, the deprecated verification `token`, the trigger id) is ignored and never stored.
 */
export const BlockActionsPayload = z.looseObject({
  type: z.literal('block_actions'),
  api_app_id: z.string().min(1).max(64),
  team: z.looseObject({ id: z.string().min(1).max(64) }).nullable(),
  user: z.looseObject({
    id: z.string().min(1).max(64),
    name: z.string().max(200).optional(),
    username: z.string().max(200).optional(),
    team_id: z.string().max(64).optional(),
  }),
  /** A secret: it can post to the channel for 30 minutes. Never logged, audited or stored. */
  response_url: z.url({ protocol: /^https?$/ }).optional(),
  actions: z
    .array(
      z.looseObject({
        action_id: z.string().max(255),
        value: z.string().max(2000).optional(),
        action_ts: z.string().max(64).optional(),
      }),
    )
    .min(1),
});
export type BlockActionsPayload = z.infer<typeof BlockActionsPayload>;

export type PayloadParse =
  | { ok: true; payload: BlockActionsPayload }
  | { ok: false; code: 'not-form' | 'no-payload' | 'not-json' | 'unsupported-type' | 'malformed'; reason: string };

/** Parses the verified raw body. Reasons never quote the input: it may hold a response_url. */
export function parseInteraction(rawBody: Buffer, contentType: string | undefined): PayloadParse {
  if (!/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) {
    return { ok: false, code: 'not-form', reason: 'Content-Type must be application/x-www-form-urlencoded' };
  }
  const raw = new URLSearchParams(rawBody.toString('utf8')).get('payload');
  if (raw === null) return { ok: false, code: 'no-payload', reason: 'the form has no payload parameter' };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'not-json', reason: 'the payload parameter is not JSON' };
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (type !== 'block_actions') {
    return { ok: false, code: 'unsupported-type', reason: `interaction type ${typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : 'missing'} is not handled (only block_actions)` };
  }
  const parsed = BlockActionsPayload.safeParse(json);
  if (!parsed.success) {
    const paths = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].slice(0, 5).join(', ');
    return { ok: false, code: 'malformed', reason: `block_actions payload is missing or has invalid fields: ${paths}` };
  }
  return { ok: true, payload: parsed.data };
}
