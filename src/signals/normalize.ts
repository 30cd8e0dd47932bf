import { argoEventsData, fromResourceEventData, isArgoEventsEvent, isResourceEventData } from './argo-events.js';
import { parseBoundedJson } from './bounded-json.js';
import { fromEnhancedEvent } from './enhanced-event.js';
import { unwrapEventBridge } from './eventbridge-envelope.js';
import { quote, rejectedWithin, SignalRejected } from './rejected.js';
import { fromForwardedMessage, FORWARDED_MESSAGE_KIND } from './forwarded-message.js';
import { fromRequeueMessage, REQUEUE_MESSAGE_KIND } from './requeue-message.js';
import { describeJson, type NormalizeResult, type Outcome, type Unwrapped } from './result.js';
import { isRecord } from '../domain/json.js';
import type { SignalSource } from './signal.js';
import { isSqsRecord, unwrapSqsEvent, unwrapSqsRecord } from './sqs.js';
import { fromSweepMessage, SWEEP_MESSAGE_KIND } from './sweep-message.js';
import { isSnsNotification, unwrapSnsNotification } from './sns-notification.js';
import { fromNestedLayout, fromTemplatedLayout, isNestedLayout } from './templated-layout.js';
import { LAMBDA_INVOCATION, measureJson, type Transport } from './limits.js';
import type { SignalContext } from './workflow-ref.js';

export type { NormalizeResult } from './result.js';
export type NormalizeContext = SignalContext;

/**
 * The deepest real nesting is three (SQS event -> record body -> SNS notification or EventBridge envelope ->
 * the event); more is a payload wrapped in itself.
 */
const MAX_WRAPPING = 4;

/** A parked decision (src/evaluate/outbox.ts) shares the queue; evaluate republishes it before normalizing. */
const PENDING_DECISION_KIND = 'afr.decision/v1';

interface Walk extends SignalContext {
  carrier: Transport;
  /** The wrapper an exporter event arrived through: it decides `eventbridge` vs `event-exporter`. */
  via: Unwrapped['via'];
  depth: number;
}

/**
 * Every Workflow reference an inbound payload carries, and a reason for each part that carries none.
 * Throws SignalRejected (permanent: retrying cannot help) when the payload is not one of the supported
 * shapes or names an invalid Workflow. Shapes are told apart in the order of the table in
 * src/signals/README.md, after our own versioned messages, whose `kind` is unambiguous.
 */
export function normalize(input: unknown, ctx: NormalizeContext): NormalizeResult {
  return walk(input, { defaultCluster: ctx.defaultCluster, carrier: ctx.carrier ?? LAMBDA_INVOCATION, via: undefined, depth: 0 });
}

/**
 * `normalize` on an object a transport already parsed (what Lambda hands `ingest`): held to the carrier's
 * size and to the nesting limit first, as the same payload as text would be.
 */
export function normalizeParsed(input: unknown, ctx: NormalizeContext): NormalizeResult {
  measureJson(input, 'input', ctx.carrier ?? LAMBDA_INVOCATION);
  return normalize(input, ctx);
}

/** `normalize` on text: JSON, within the carrier's size (limits.ts) and 64 levels deep, checked before parsing. */
export function normalizeText(text: string, ctx: NormalizeContext, what = 'input'): NormalizeResult {
  return normalize(parseBoundedJson(text, what, ctx.carrier ?? LAMBDA_INVOCATION), ctx);
}

function walk(input: unknown, at: Walk): NormalizeResult {
  if (!isRecord(input)) throw new SignalRejected(`payload is ${describeJson(input)}, expected a JSON object`);
  const kind = input['kind'];
  if (kind === SWEEP_MESSAGE_KIND) return single({ signal: fromSweepMessage(input) });
  if (kind === REQUEUE_MESSAGE_KIND) return single({ signal: fromRequeueMessage(input) });
  if (kind === FORWARDED_MESSAGE_KIND) return single({ signal: fromForwardedMessage(input) });
  if (kind === PENDING_DECISION_KIND) {
    return { signals: [], ignored: [{ reason: `a parked decision (${PENDING_DECISION_KIND}): evaluate republishes it, it names no Workflow to evaluate` }] };
  }
  if (typeof kind === 'string' && kind.startsWith('afr.')) {
    throw new SignalRejected(`unsupported message kind ${quote(kind, 40)} (this build reads ${SWEEP_MESSAGE_KIND}, ${REQUEUE_MESSAGE_KIND} and ${FORWARDED_MESSAGE_KIND})`);
  }
  if (Object.hasOwn(input, 'detail-type') && Object.hasOwn(input, 'detail')) return descend(unwrapEventBridge(input), at);
  if (isRecord(input['involvedObject'])) return single(fromEnhancedEvent(input, exporterSource(at), at));
  if (isArgoEventsEvent(input)) return single(fromResourceEventData(argoEventsData(input, at), at));
  if (isResourceEventData(input)) return single(fromResourceEventData(input, at));
  if (Object.hasOwn(input, 'Records')) return descend(unwrapSqsEvent(input), at);
  if (isSqsRecord(input)) return descend(unwrapSqsRecord(input), at);
  if (isSnsNotification(input)) return descend(unwrapSnsNotification(input), at);
  if (isNestedLayout(input)) return single(fromNestedLayout(input, exporterSource(at), at));
  if (typeof kind === 'string' && Object.hasOwn(input, 'name')) return single(fromTemplatedLayout(input, exporterSource(at), at));
  throw new SignalRejected(`payload matches no supported shape (keys: ${keysOf(input)}); expected ${SUPPORTED}`);
}

const SUPPORTED =
  'an exporter EnhancedEvent or templated layout, an EventBridge envelope, an SQS event or record, an SNS notification, an Argo Events resource event or CloudEvent, or an afr.* message';

function descend(unwrapped: Unwrapped | { ignored: string }, at: Walk): NormalizeResult {
  if ('ignored' in unwrapped) return { signals: [], ignored: [{ reason: unwrapped.ignored }] };
  if (at.depth >= MAX_WRAPPING) throw new SignalRejected(`payload is wrapped more than ${MAX_WRAPPING} levels deep`);
  const result: NormalizeResult = { signals: [], ignored: [] };
  for (const { where, payload, carrier } of unwrapped.items) {
    const inner = rejectedWithin(where, () => walk(payload, { ...at, carrier: carrier ?? at.carrier, via: unwrapped.via ?? at.via, depth: at.depth + 1 }));
    result.signals.push(...inner.signals);
    result.ignored.push(...inner.ignored.map(({ reason }) => ({ reason: `${where}: ${reason}` })));
  }
  return result;
}

function single(outcome: Outcome): NormalizeResult {
  return 'signal' in outcome ? { signals: [outcome.signal], ignored: [] } : { signals: [], ignored: [{ reason: outcome.ignored }] };
}

function exporterSource(at: Walk): SignalSource {
  return at.via === 'eventbridge' ? 'eventbridge' : 'event-exporter';
}

function keysOf(input: Record<string, unknown>): string {
  const keys = Object.keys(input);
  if (keys.length === 0) return 'none';
  const shown = keys.slice(0, 6).map((key) => quote(key, 32));
  return keys.length > 6 ? `${shown.join(', ')}, …` : shown.join(', ');
}
