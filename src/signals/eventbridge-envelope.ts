import * as z from 'zod';
import { DECISION_SOURCE } from '../domain/decision.js';
import type { Unwrapped } from './result.js';
import { EVENTBRIDGE_EVENT, measureJson, tooLarge } from './limits.js';
import { parseOrReject } from './zod-reason.js';

/**
 * The standard EventBridge envelope, as a Lambda target receives it
 * or as an SQS target's body holds it. `detail` is the exporter's EnhancedEvent, or its templated
 * `details` map; `time` is the exporter's send time, so it is not used.
 */
export const EventBridgeEnvelope = z.looseObject({
  'detail-type': z.string(),
  source: z.string(),
  detail: z.looseObject({}),
});
export type EventBridgeEnvelope = z.infer<typeof EventBridgeEnvelope>;

export function unwrapEventBridge(input: unknown): Unwrapped | { ignored: string } {
  const envelope = parseOrReject(EventBridgeEnvelope, input, 'EventBridge envelope');
  if (envelope.source === DECISION_SOURCE) {
    // Our own outbound decision events share the bus; a rule that loops them back must not re-trigger.
    return { ignored: `EventBridge event from ${DECISION_SOURCE} itself ("${envelope['detail-type'].slice(0, 64)}"), not an inbound signal` };
  }
  // The entry size as PutEvents counts it (Detail, DetailType, Source, Resources, Time as 14 bytes), measured
  // on the parsed detail: Go's \u003c-style escapes are counted as the character, so never stricter than AWS.
  const detailBytes = measureJson(envelope.detail, 'EventBridge event detail', EVENTBRIDGE_EVENT);
  const resources = Array.isArray(envelope['resources']) ? envelope['resources'] : [];
  const entryBytes =
    detailBytes +
    utf8(envelope['detail-type']) +
    utf8(envelope.source) +
    resources.reduce<number>((sum, r) => sum + (typeof r === 'string' ? utf8(r) : 0), 0) +
    (envelope['time'] === undefined ? 0 : 14);
  if (entryBytes > EVENTBRIDGE_EVENT.maxBytes) throw tooLarge('EventBridge event', entryBytes, EVENTBRIDGE_EVENT);
  return { via: 'eventbridge', items: [{ where: 'EventBridge detail', payload: envelope.detail, carrier: EVENTBRIDGE_EVENT }] };
}

function utf8(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
