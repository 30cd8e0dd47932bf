import { EventEnvelope, InvalidEventError, type RemediatorEvent, parseEventDetail } from '../domain/alerts.js';

export interface InboundItem {
  /** SQS messageId when the events came through a queue (for batchItemFailures). */
  messageId?: string;
  event: RemediatorEvent;
}

export type Inbound =
  | { form: 'eventbridge'; items: InboundItem[] }
  | { form: 'sqs'; items: InboundItem[]; invalid: Array<{ messageId: string; reason: string }> };

function envelopeEvent(raw: unknown): RemediatorEvent {
  const env = EventEnvelope.safeParse(raw);
  if (!env.success) throw new InvalidEventError('not an EventBridge event: "detail-type" and "detail" are required');
  return parseEventDetail(env.data['detail-type'], env.data.detail);
}

function isSqsEvent(raw: unknown): raw is { Records: Array<{ messageId?: unknown; body?: unknown }> } {
  return !!raw && typeof raw === 'object' && Array.isArray((raw as { Records?: unknown }).Records);
}

/**
 * A rule target gets one EventBridge event (invalid: throw, so EventBridge retries and dead-letters it). Put an
 * SQS queue with a batching window between the rule and the function and it gets many at once, which is what
 * turns a burst of decisions into one digest per (cluster, cause); invalid records are then reported per
 * message.
 */
export function parseInbound(raw: unknown): Inbound {
  if (!isSqsEvent(raw)) return { form: 'eventbridge', items: [{ event: envelopeEvent(raw) }] };
  const items: InboundItem[] = [];
  const invalid: Array<{ messageId: string; reason: string }> = [];
  for (const [i, record] of raw.Records.entries()) {
    const messageId = typeof record.messageId === 'string' ? record.messageId : `record-${i}`;
    try {
      const body = typeof record.body === 'string' ? (JSON.parse(record.body) as unknown) : record.body;
      items.push({ messageId, event: envelopeEvent(body) });
    } catch (err) {
      invalid.push({ messageId, reason: err instanceof InvalidEventError ? err.message : 'body is not JSON' });
    }
  }
  return { form: 'sqs', items, invalid };
}

export function eventId(e: RemediatorEvent): string {
  switch (e.kind) {
    case 'decision':
      return e.detail.decisionId;
    case 'systemic-alert':
      return e.detail.alertId;
    case 'signal-rejected':
      return e.detail.payloadDigest;
    case 'approval':
      return e.detail.id;
  }
}
