import { slackSignature } from '../interact/slack-signature.js';

/** The demo's Slack app: ids and a signing secret that exist only on this machine. */
export const DEMO_SLACK_APP = {
  teamId: 'T0DEMO0001',
  appId: 'A0DEMO0001',
  signingSecret: 'demo-signing-secret-0f1e2d3c4b5a69788796a5b4',
  buttonKey: 'demo-button-key-4c0ffee5a1b2c3d4e5f60718293a4b5c',
  approver: { id: 'U0DEMO0APPROVER', name: 'dana.ops' },
  stranger: { id: 'U0DEMO0STRANGER', name: 'eve' },
} as const;

export interface Click {
  value: string;
  actionId?: string;
  user: { id: string; name?: string };
  teamId: string;
  appId: string;
  /** Where Slack would let the app update the message. */
  responseUrl?: string;
  /** Epoch seconds; default now. */
  timestamp?: number;
}

/** A block_actions payload in the shape Slack sends (https://api.slack.com/reference/interaction-payloads/block-actions). */
export function blockActionsPayload(c: Click, nowSeconds: number): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: c.user.id, username: c.user.name ?? c.user.id, name: c.user.name ?? c.user.id, team_id: c.teamId },
    api_app_id: c.appId,
    token: 'legacyVerificationTok3n',
    container: { type: 'message', message_ts: `${nowSeconds}.000100`, channel_id: 'C0DEMO0001', is_ephemeral: false },
    trigger_id: `${nowSeconds}.1234567890.abcdef0123456789abcdef0123456789`,
    team: { id: c.teamId, domain: 'demo' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: 'C0DEMO0001', name: 'argo-alerts' },
    message: { type: 'message', subtype: 'bot_message', text: 'Stuck Argo Workflow', ts: `${nowSeconds}.000100`, blocks: [] },
    state: { values: {} },
    ...(c.responseUrl ? { response_url: c.responseUrl } : {}),
    actions: [
      {
        type: 'button',
        action_id: c.actionId ?? 'afr',
        block_id: 'afr-actions',
        text: { type: 'plain_text', text: 'button', emoji: true },
        value: c.value,
        action_ts: `${nowSeconds}.000200`,
      },
    ],
  };
}

/** The request Slack would send: form-encoded `payload=<json>`, signed with the app's signing secret. */
export function signedInteraction(c: Click, secret: string): { headers: Record<string, string>; body: string } {
  const ts = c.timestamp ?? Math.floor(Date.now() / 1000);
  const body = new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(c, ts)) }).toString();
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': slackSignature(secret, String(ts), Buffer.from(body, 'utf8')),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    },
    body,
  };
}

/** Posts a click to an Interactivity Request URL and returns what it answered. */
export async function click(url: string, c: Click, secret: string): Promise<{ status: number; body: string }> {
  const req = signedInteraction(c, secret);
  const res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body });
  return { status: res.status, body: await res.text() };
}
