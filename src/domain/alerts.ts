import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ApprovalEvent } from './approval.js';
import { Cause } from './assessment.js';
import {
  DECISION_DETAIL_TYPE,
  Decision,
  SIGNAL_REJECTED_DETAIL_TYPE,
  SYSTEMIC_ALERT_DETAIL_TYPE,
} from './decision.js';
// Pure string scrubbing, no I/O: the excerpt must be safe before it leaves the function that builds it.
import { redactString, redactText } from '../observability/redact.js';

export const PAYLOAD_EXCERPT_MAX = 512;
export const SYSTEMIC_SAMPLE_MAX = 20;

const IsoTime = z.iso.datetime({ offset: true });

/** `detail` of a "Signal Rejected" event: inbound input that yielded no signal and was not a known "ignore". */
export const SignalRejected = z.object({
  cluster: z.string().min(1).max(100).optional(),
  reason: z.string().min(1).max(2000),
  at: IsoTime,
  sourceMessageId: z.string().min(1).max(256).optional(),
  /** sha256 hex of the raw payload: ties the audit record to the DLQ message without storing the payload. */
  payloadDigest: z.string().regex(/^[0-9a-f]{64}$/, 'payloadDigest must be a sha256 hex digest'),
  /** The first bytes of the payload, secrets redacted. */
  payloadExcerpt: z.string().max(PAYLOAD_EXCERPT_MAX),
});
export type SignalRejected = z.infer<typeof SignalRejected>;

/** `detail` of a "Systemic Alert" event: the sweep found more stuck Workflows than its cap and acted on none. */
export const SystemicAlert = z.object({
  cluster: z.string().min(1).max(100),
  alertId: z.string().min(1).max(128),
  kind: z.literal('sweep-cap-exceeded'),
  found: z.number().int().nonnegative(),
  cap: z.number().int().nonnegative(),
  sample: z
    .array(z.object({ namespace: z.string(), name: z.string(), cause: Cause }))
    .max(SYSTEMIC_SAMPLE_MAX),
  at: IsoTime,
});
export type SystemicAlert = z.infer<typeof SystemicAlert>;

/** The EventBridge envelope as a rule target receives it; `detail` is checked per detail-type. */
export const EventEnvelope = z.looseObject({
  id: z.string().optional(),
  source: z.string().optional(),
  'detail-type': z.string(),
  detail: z.unknown(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** `detail-type` of what evaluate did with an approval (README "Approvals from Slack"); the audit function records it. */
export const APPROVAL_OUTCOME_DETAIL_TYPE = 'Approval Outcome';

export type RemediatorEvent =
  | { kind: 'decision'; detail: Decision }
  | { kind: 'signal-rejected'; detail: SignalRejected }
  | { kind: 'systemic-alert'; detail: SystemicAlert }
  | { kind: 'approval'; detail: ApprovalEvent };

/** Input that can never become valid: retrying it is pointless, it belongs in the DLQ with its reason. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/** Validates a bus event's detail against the schema its detail-type names. */
export function parseEventDetail(detailType: string, detail: unknown): RemediatorEvent {
  const check = <T extends z.ZodType>(schema: T): z.infer<T> => {
    const r = schema.safeParse(detail);
    if (r.success) return r.data;
    throw new InvalidEventError(`invalid "${detailType}" detail: ${redactString(z.prettifyError(r.error)).slice(0, 2000)}`);
  };
  switch (detailType) {
    case DECISION_DETAIL_TYPE:
      return { kind: 'decision', detail: check(Decision) };
    case SIGNAL_REJECTED_DETAIL_TYPE:
      return { kind: 'signal-rejected', detail: check(SignalRejected) };
    case SYSTEMIC_ALERT_DETAIL_TYPE:
      return { kind: 'systemic-alert', detail: check(SystemicAlert) };
    case APPROVAL_OUTCOME_DETAIL_TYPE:
      return { kind: 'approval', detail: check(ApprovalEvent) };
    default:
      throw new InvalidEventError(`unsupported detail-type ${JSON.stringify(redactString(detailType).slice(0, 100))}`);
  }
}

/** Builds a valid SignalRejected detail from raw input: digest of the whole payload, redacted excerpt. */
export function signalRejected(input: {
  cluster?: string | undefined;
  reason: string;
  at: string;
  sourceMessageId?: string | undefined;
  payload: string | Uint8Array;
}): SignalRejected {
  const raw = typeof input.payload === 'string' ? input.payload : Buffer.from(input.payload).toString('utf8');
  return SignalRejected.parse({
    ...(input.cluster ? { cluster: input.cluster.slice(0, 100) } : {}),
    reason: redactString(input.reason).slice(0, 2000) || 'unspecified',
    at: input.at,
    ...(input.sourceMessageId ? { sourceMessageId: input.sourceMessageId.slice(0, 256) } : {}),
    payloadDigest: createHash('sha256').update(raw).digest('hex'),
    // Redact the whole payload before cutting: a secret straddling the cut would no longer match its pattern.
    // JSON is redacted by key as data (nested values under `token`, `password`...), other text by key and shape.
    payloadExcerpt: redactText(raw).slice(0, PAYLOAD_EXCERPT_MAX),
  });
}
