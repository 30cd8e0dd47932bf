import * as z from 'zod';
import { DECISION_SOURCE } from '../domain/decision.js';
import type { Unwrapped } from './result.js';
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
  return { via: 'eventbridge', items: [{ where: 'EventBridge detail', payload: envelope.detail }] };
}
