import * as z from 'zod';
import { parseBoundedJson } from './bounded-json.js';
import { fromEnhancedEvent } from './enhanced-event.js';
import { classifyObject, WORKFLOW_GROUP, WORKFLOW_RESOURCE } from './object-kind.js';
import { quote, SignalRejected } from './rejected.js';
import { describeJson, type Outcome } from './result.js';
import { isRecord } from '../domain/json.js';
import { blank, type SignalContext, toSignal } from './workflow-ref.js';
import { parseOrReject } from './zod-reason.js';

const Text = z.string().nullish();

export const RESOURCE_EVENT_TYPES = ['ADD', 'UPDATE', 'DELETE'] as const;

/**
 * Argo Events' `ResourceEventData`: the informer event type and the
 * object. `body` is the object itself, or its JSON text when the Sensor payload omits `useRawData`.
 * `metadata` is the EventSource's user-defined map: where `clusterName` is injected, since nothing else in
 * an Argo Events payload names the cluster.
 */
export const ResourceEventData = z.looseObject({
  type: z.enum(RESOURCE_EVENT_TYPES),
  body: z.union([z.string(), z.looseObject({})]),
  group: Text,
  version: Text,
  resource: Text,
  metadata: z.record(z.string(), z.string()).nullish().catch(undefined),
  clusterName: Text,
});
export type ResourceEventData = z.infer<typeof ResourceEventData>;

/** The part of the object a signal needs; a projected body (metadata only) is enough. */
const ResourceBody = z.looseObject({
  apiVersion: Text,
  kind: Text,
  metadata: z.looseObject({ namespace: Text, name: Text, uid: Text, resourceVersion: Text }),
});

/**
 * A DELETE the informer only learnt of from a relist: client-go hands over `cache.DeletedFinalStateUnknown`,
 * which json.Marshal writes as `{"Key": "ns/name", "Obj": {...the object...}}` (argo-events
 * pkg/eventsources/sources/resource/start.go 215-221 and 139; only without a filter, 291-296).
 */
function isTombstone(body: unknown): body is { Key: unknown; Obj: Record<string, unknown> } {
  return isRecord(body) && Object.hasOwn(body, 'Key') && isRecord(body['Obj']) && !Object.hasOwn(body, 'metadata');
}

/** A core v1 Event (an EventSource watching `events`): its involvedObject is what it is about. */
function isCoreEvent(body: unknown): body is Record<string, unknown> {
  return isRecord(body) && body['kind'] === 'Event' && (body['apiVersion'] === 'v1' || body['apiVersion'] === undefined) && isRecord(body['involvedObject']);
}

/**
 * The whole event as a Sensor passes it when its payload `src` has no `dataKey`: `{context, data}`, with
 * `data` base64 because `Event.Data` is `[]byte`.
 */
export const ArgoEventsEvent = z.looseObject({ context: z.looseObject({ type: Text }), data: z.unknown() });

/** The same event in CloudEvents JSON form, attributes at the top: `{specversion, type, source, subject, data | data_base64}`. */
export const ArgoEventsCloudEvent = z.looseObject({
  specversion: z.string(),
  type: Text,
  data: z.unknown().optional(),
  data_base64: z.string().optional(),
});

export function isResourceEventData(input: Record<string, unknown>): boolean {
  return (RESOURCE_EVENT_TYPES as readonly unknown[]).includes(input['type']) && Object.hasOwn(input, 'body');
}

export function isArgoEventsEvent(input: Record<string, unknown>): boolean {
  return (
    (isRecord(input['context']) && Object.hasOwn(input, 'data')) ||
    (typeof input['specversion'] === 'string' && (Object.hasOwn(input, 'data') || Object.hasOwn(input, 'data_base64')))
  );
}

export function fromResourceEventData(input: unknown, ctx: SignalContext): Outcome {
  const data = parseOrReject(ResourceEventData, input, 'Argo Events resource event');
  let rawBody = typeof data.body === 'string' ? parseBoundedJson(data.body, 'Argo Events resource event body', ctx.carrier) : data.body;
  if (isTombstone(rawBody)) rawBody = rawBody.Obj;
  const cluster = blank(data.metadata?.['clusterName']) ?? blank(data.clusterName);
  if (isCoreEvent(rawBody)) {
    // The Event is about its involvedObject, read as the exporter's is; the cluster still comes from the EventSource.
    return fromEnhancedEvent({ ...rawBody, clusterName: cluster ?? null }, 'argo-events', ctx, 'Argo Events Event involvedObject');
  }
  const body = parseOrReject(ResourceBody, rawBody, 'Argo Events resource event body');
  const kind = blank(body.kind);
  const group = blank(data.group);
  if (kind === undefined) {
    // A projected body lost apiVersion/kind; the EventSource's own group and resource still say what it watches.
    const resource = blank(data.resource);
    if (group !== WORKFLOW_GROUP || resource !== WORKFLOW_RESOURCE) {
      return { ignored: `Argo Events resource is ${group ?? 'core'}/${resource ?? '(none)'}, not ${WORKFLOW_GROUP}/${WORKFLOW_RESOURCE}` };
    }
  } else {
    // The EventSource's group decides even without its version: `example.com/` is still not argoproj.io.
    const version = blank(data.version);
    const fallbackApiVersion = group === undefined ? version : `${group}/${version ?? ''}`;
    const verdict = classifyObject('Argo Events body', { apiVersion: blank(body.apiVersion) ?? fallbackApiVersion, kind });
    if ('ignored' in verdict) return { ignored: verdict.ignored };
  }
  const signal = toSignal(
    'Argo Events body metadata',
    {
      cluster,
      namespace: blank(body.metadata.namespace),
      name: blank(body.metadata.name),
      uid: blank(body.metadata.uid),
      resourceVersion: blank(body.metadata.resourceVersion),
      reason: data.type,
    },
    'argo-events',
    ctx,
  );
  return { signal };
}

/** The ResourceEventData inside a whole event, decoded from base64 (or JSON text) when it is a string. */
export function argoEventsData(input: Record<string, unknown>, ctx: SignalContext): unknown {
  let type: string | undefined;
  let raw: unknown;
  if (Object.hasOwn(input, 'context')) {
    const event = parseOrReject(ArgoEventsEvent, input, 'Argo Events event');
    [type, raw] = [blank(event.context.type), event.data];
  } else {
    const event = parseOrReject(ArgoEventsCloudEvent, input, 'Argo Events CloudEvent');
    [type, raw] = [blank(event.type), event.data_base64 ?? event.data];
  }
  const data = decode(raw, ctx);
  if (!isRecord(data) || !isResourceEventData(data)) {
    throw new SignalRejected(
      `Argo Events event${type === undefined ? '' : ` of type ${quote(type, 40)}`} carries no resource event data (expected data.type ADD, UPDATE or DELETE, and data.body)`,
    );
  }
  return data;
}

/**
 * Standard base64 with padding, checked in one pass: a regular expression with a repeated group
 * overflows the engine's backtracking stack on a few MB (a 6 MB whole event, `npm run bench`).
 */
function isBase64(text: string): boolean {
  if (text.length === 0 || text.length % 4 !== 0) return false;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  for (let i = 0; i < text.length - padding; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
    if (!ok) return false;
  }
  return true;
}

/** Base64 (`data_base64`, or a Sensor's `[]byte` data) or JSON text, held to the limit of the transport that carried it. */
function decode(raw: unknown, ctx: SignalContext): unknown {
  if (isRecord(raw)) return raw;
  if (typeof raw !== 'string') throw new SignalRejected(`Argo Events event data is ${describeJson(raw)}, expected an object or base64 JSON`);
  const compact = raw.replace(/\s+/g, '');
  if (isBase64(compact)) {
    return parseBoundedJson(Buffer.from(compact, 'base64').toString('utf8'), 'Argo Events event data (base64-decoded)', ctx.carrier);
  }
  return parseBoundedJson(raw, 'Argo Events event data', ctx.carrier);
}
