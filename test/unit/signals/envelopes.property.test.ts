// Any valid reference, sent by any forwarder in any of the ways the real transports nest it, yields that same
// reference: through explain-event's reading (judgeText) and through the pipeline's (judgeRecord for SQS
// deliveries, normalizeParsed for what Lambda hands ingest). Payloads are serialized as the forwarders do
// (test/fixtures/events/forwarders/build.ts: Go's escapes, sorted map keys, base64), with arbitrary unicode
// in the fields a signal does not read.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeRecord, judgeText } from '../../../src/signals/judge.js';
import { LAMBDA_INVOCATION } from '../../../src/signals/limits.js';
import { normalizeParsed } from '../../../src/signals/normalize.js';
import type { WorkflowSignal } from '../../../src/signals/signal.js';
import { cloudEvent, eventBridgeEnvelope, goJson, goMap, resourceEventData, sensorWholeEvent, snsNotification, sqsEvent, tombstone } from '../../fixtures/events/forwarders/build.js';

const DEFAULT = 'default-cluster';
const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
const subdomain = fc.array(label, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.')).filter((n) => n.length <= 253);
const ref = fc.record({
  cluster: fc.oneof(fc.constant(undefined), fc.stringMatching(/^[A-Za-z0-9][-A-Za-z0-9_.]{0,30}$/)),
  namespace: label.filter((n) => n.length <= 63),
  name: subdomain,
  uid: fc.option(fc.uuid(), { nil: undefined }),
  resourceVersion: fc.option(fc.bigInt({ min: 1n, max: 10n ** 12n }).map(String), { nil: undefined }),
  reason: fc.constantFrom('ArtifactGCFailed', 'WorkflowSucceeded', 'WorkflowFailed', 'WorkflowRunning'),
});
type Ref = typeof ref extends fc.Arbitrary<infer T> ? T : never;
// Text a signal never reads, with everything Go escapes and everything JSON must carry.
const noise = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `${s}<&>\u2028`);

/** A forwarder's own payload for `r`, and the reference it can carry (what it cannot say is left out). */
type Shape = (r: Ref, text: string) => { payload: string; expected: WorkflowSignal; via: 'exporter' | 'argo-events' | 'own' };

const enhanced = (r: Ref, text: string) =>
  goJson({
    metadata: { name: `${r.name}.17d2`, namespace: r.namespace },
    reason: r.reason,
    message: text,
    source: { component: 'workflow-controller' },
    count: 1,
    type: 'Warning',
    eventTime: null,
    reportingComponent: '',
    reportingInstance: '',
    clusterName: r.cluster ?? '',
    involvedObject: { kind: 'Workflow', namespace: r.namespace, name: r.name, uid: r.uid, apiVersion: 'argoproj.io/v1alpha1', resourceVersion: r.resourceVersion, annotations: { note: text }, deleted: false },
  });
const full = (r: Ref, source: WorkflowSignal['source'], reason: string = r.reason): WorkflowSignal => ({
  cluster: r.cluster ?? DEFAULT,
  namespace: r.namespace,
  name: r.name,
  ...(r.uid ? { uid: r.uid } : {}),
  ...(r.resourceVersion ? { resourceVersion: r.resourceVersion } : {}),
  source,
  reason,
});
const workflowBody = (r: Ref, text: string) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name: r.name, namespace: r.namespace, uid: r.uid, resourceVersion: r.resourceVersion, annotations: { note: text } },
  status: { phase: 'Succeeded', message: text },
});
const argoData = (r: Ref, text: string, type: 'ADD' | 'UPDATE' | 'DELETE', body: unknown) =>
  resourceEventData({ type, body, oldBody: type === 'UPDATE' ? workflowBody(r, text) : null, group: 'argoproj.io', version: 'v1alpha1', resource: 'workflows', ...(r.cluster ? { metadata: { clusterName: r.cluster } } : {}) });

const shapes: Record<string, Shape> = {
  'exporter EnhancedEvent': (r, t) => ({ payload: enhanced(r, t), expected: full(r, 'event-exporter'), via: 'exporter' }),
  'exporter EventBridge envelope': (r, t) => ({ payload: JSON.stringify(eventBridgeEnvelope(enhanced(r, t))), expected: full(r, 'eventbridge'), via: 'exporter' }),
  'exporter SNS notification': (r, t) => ({ payload: snsNotification(enhanced(r, t)), expected: full(r, 'event-exporter'), via: 'exporter' }),
  'exporter default layout': (r, t) => ({
    payload: goJson(goMap({ kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1', namespace: r.namespace, name: r.name, uid: r.uid ?? '', resourceVersion: r.resourceVersion ?? '<no value>', reason: r.reason, clusterName: r.cluster ?? '', message: t })),
    expected: full(r, 'event-exporter'),
    via: 'exporter',
  }),
  'exporter README layout under details': (r, t) => ({
    payload: goJson(goMap({ region: 'us-west-2', eventType: 'kubernetes-event', details: { kind: 'Workflow', name: r.name, namespace: r.namespace, reason: r.reason, message: t, count: '1', labels: '{}' } })),
    expected: { cluster: DEFAULT, namespace: r.namespace, name: r.name, source: 'event-exporter', reason: r.reason },
    via: 'exporter',
  }),
  'Argo Events resource data': (r, t) => ({ payload: argoData(r, t, 'UPDATE', workflowBody(r, t)), expected: full(r, 'argo-events', 'UPDATE'), via: 'argo-events' }),
  'Argo Events whole event (base64)': (r, t) => ({ payload: sensorWholeEvent(argoData(r, t, 'ADD', workflowBody(r, t))), expected: full(r, 'argo-events', 'ADD'), via: 'argo-events' }),
  'Argo Events CloudEvent': (r, t) => ({ payload: cloudEvent(argoData(r, t, 'ADD', workflowBody(r, t))), expected: full(r, 'argo-events', 'ADD'), via: 'argo-events' }),
  'Argo Events CloudEvent data_base64': (r, t) => ({ payload: cloudEvent(argoData(r, t, 'UPDATE', workflowBody(r, t)), { base64: true }), expected: full(r, 'argo-events', 'UPDATE'), via: 'argo-events' }),
  'Argo Events delete tombstone': (r, t) => ({ payload: sensorWholeEvent(argoData(r, t, 'DELETE', tombstone(workflowBody(r, t)))), expected: full(r, 'argo-events', 'DELETE'), via: 'argo-events' }),
  'Argo Events core v1 Event': (r, t) => ({
    payload: sensorWholeEvent(
      resourceEventData({
        type: 'ADD',
        body: { apiVersion: 'v1', kind: 'Event', metadata: { name: `${r.name}.17d2`, namespace: r.namespace }, message: t, reason: r.reason, involvedObject: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: r.name, namespace: r.namespace, uid: r.uid, resourceVersion: r.resourceVersion } },
        oldBody: null,
        group: '',
        version: 'v1',
        resource: 'events',
        ...(r.cluster ? { metadata: { clusterName: r.cluster } } : {}),
      }),
    ),
    expected: full(r, 'argo-events'),
    via: 'argo-events',
  }),
  'afr.forwarded/v1 (what ingest enqueues)': (r) => {
    const signal = full(r, 'argo-events');
    return { payload: JSON.stringify({ ...signal, kind: 'afr.forwarded/v1' }), expected: signal, via: 'own' };
  },
};

/** How the real transports carry each: exporter sinks arrive over SQS (or EventBridge to a Lambda); Argo Events invokes a Lambda. */
function deliveries(shape: ReturnType<Shape>): { how: string; text: string; sqs: boolean }[] {
  const inSqs = { how: 'SQS batch', text: JSON.stringify(sqsEvent([shape.payload])), sqs: true };
  if (shape.via === 'argo-events') return [{ how: 'Lambda invocation', text: shape.payload, sqs: false }];
  if (shape.via === 'own') return [inSqs];
  return [inSqs, { how: 'Lambda invocation', text: shape.payload, sqs: false }];
}

describe('a valid reference in any supported envelope', () => {
  it('yields the same reference, in explain-event and in the pipeline', () => {
    fc.assert(
      fc.property(ref, noise, fc.constantFrom(...Object.keys(shapes)), (r, text, name) => {
        const shape = shapes[name]!(r, text);
        for (const delivery of deliveries(shape)) {
          const explained = judgeText(delivery.text, { defaultCluster: DEFAULT });
          expect(explained, `${name} via ${delivery.how}`).toEqual({ signals: [shape.expected], ignored: [], rejected: [] });
          const pipeline = delivery.sqs
            ? judgeRecord({ id: 'm', body: (JSON.parse(delivery.text) as { Records: { body: string }[] }).Records[0]!.body }, { defaultCluster: DEFAULT })
            : normalizeParsed(JSON.parse(delivery.text), { defaultCluster: DEFAULT, carrier: LAMBDA_INVOCATION });
          expect(pipeline, `${name} via ${delivery.how}`).toEqual({ signals: [shape.expected], ignored: [] });
        }
      }),
      { numRuns: 1500 },
    );
  });
});
