import { describe, expect, it } from 'vitest';
import { DECISION_SOURCE } from '../../../src/domain/decision.js';
import { EVENTBRIDGE_EVENT } from '../../../src/signals/limits.js';
import { normalize } from '../../../src/signals/normalize.js';
import { ctx, fixture } from './fixture.js';
import { rejection } from './reject.js';

const envelope = (detail: unknown, source = 'k8s.event-exporter') => ({
  version: '0',
  id: 'c9a7e4b2-1f0d-4e3a-9b8c-7d6e5f4a3b2c',
  'detail-type': 'kubernetes-event',
  source,
  account: '123456789012',
  time: '2026-09-01T10:00:06Z',
  region: 'eu-west-1',
  resources: [],
  detail,
});

describe('EventBridge envelope', () => {
  it('yields the detail EnhancedEvent with source eventbridge', () => {
    expect(normalize(fixture('eventbridge-envelope.json'), ctx)).toEqual({
      signals: [
        {
          cluster: 'prod-eks-euw1',
          namespace: 'argo',
          name: 'etl-7xk2p',
          uid: '9b2f6a1e-8c3d-4e5f-a6b7-c8d9e0f1a2b3',
          resourceVersion: '48213370',
          source: 'eventbridge',
          reason: 'ArtifactGCFailed',
        },
      ],
      ignored: [],
    });
  });

  it('reads templated details (every value a string) the same way', () => {
    const viaDetails = normalize(fixture('eventbridge-templated-details.json'), ctx);
    expect(viaDetails).toEqual(normalize(fixture('eventbridge-envelope.json'), ctx));
  });

  it('prefixes where an ignored or rejected detail sits', () => {
    expect(normalize(envelope(fixture('cronworkflow-event.json')), ctx).ignored).toEqual([
      { reason: 'EventBridge detail: involvedObject is argoproj.io/CronWorkflow, not a Workflow' },
    ]);
    expect(rejection(() => normalize(envelope({ hello: 'world' }), ctx)).reason).toMatch(
      /^EventBridge detail: payload matches no supported shape \(keys: "hello"\)/,
    );
    expect(rejection(() => normalize(envelope('{"reason":"x"}'), ctx)).reason).toMatch(/^EventBridge envelope: detail: /);
  });

  it("ignores the remediator's own decision events instead of looping on them", () => {
    const decision = { ...envelope({ verdict: 'remove' }, 'argo-finalizer-remediator'), 'detail-type': 'Remediation Decision' };
    expect(normalize(decision, ctx)).toEqual({
      signals: [],
      ignored: [{ reason: 'EventBridge event from argo-finalizer-remediator itself ("Remediation Decision"), not an inbound signal' }],
    });
  });

  it('refuses a payload wrapped in itself more than a few levels', () => {
    let payload: unknown = fixture('exporter-artifact-gc-failed.json');
    for (let i = 0; i < 4; i++) payload = envelope(payload);
    expect(normalize(payload, ctx).signals).toHaveLength(1);
    expect(rejection(() => normalize(envelope(payload), ctx)).reason).toMatch(/wrapped more than 4 levels deep$/);
  });

  describe('holds the whole entry to 256 KiB as PutEvents counts it: detail, detail-type, source, string resources, time as 14 bytes', () => {
    const detail = fixture('exporter-artifact-gc-failed.json');
    const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
    const variants = [
      { name: 'with time and resources', time: '2026-09-01T10:00:06Z', resources: ['arn:aws:events:eu-west-1:123456789012:rule/r', 42], fixed: 14 + bytes('arn:aws:events:eu-west-1:123456789012:rule/r') },
      { name: 'without time', time: undefined, resources: ['arn:r'], fixed: bytes('arn:r') },
      { name: 'without resources', time: '2026-09-01T10:00:06Z', resources: undefined, fixed: 14 },
    ];
    it.each(variants)('$name: an entry of exactly the limit passes, one byte more is rejected with its size', ({ time, resources, fixed }) => {
      const of = (entryBytes: number) => {
        const base = { ...envelope(detail), 'detail-type': 'kubernetes-event €', time, resources };
        const overhead = bytes(JSON.stringify({ ...detail, pad: '' })) + bytes(base['detail-type']) + bytes(base.source) + fixed;
        return { ...base, detail: { ...detail, pad: 'x'.repeat(entryBytes - overhead) } };
      };
      expect(normalize(of(EVENTBRIDGE_EVENT.maxBytes), ctx).signals).toHaveLength(1);
      expect(rejection(() => normalize(of(EVENTBRIDGE_EVENT.maxBytes + 1), ctx)).reason).toBe(
        'EventBridge event is 262,145 bytes, more than an EventBridge event holds (256 KiB)',
      );
    });
  });

  it('takes only an object with both detail-type and detail for an envelope: a templated layout with one of them is the layout', () => {
    const layout = { kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1', namespace: 'argo', name: 'etl-7xk2p', reason: 'ArtifactGCFailed' };
    const signal = { cluster: 'fallback-cluster', namespace: 'argo', name: 'etl-7xk2p', source: 'event-exporter', reason: 'ArtifactGCFailed' };
    expect(normalize({ ...layout, detail: { note: 'x' } }, ctx).signals).toEqual([signal]);
    expect(normalize({ ...layout, 'detail-type': 'kubernetes-event' }, ctx).signals).toEqual([signal]);
  });

  it('quotes at most 64 characters of the detail-type of its own decision events', () => {
    const own = { ...envelope({}, DECISION_SOURCE), 'detail-type': `decision ${'y'.repeat(200)}` };
    expect(normalize(own, ctx).ignored).toEqual([
      { reason: `EventBridge event from ${DECISION_SOURCE} itself ("decision ${'y'.repeat(55)}"), not an inbound signal` },
    ]);
  });
});
