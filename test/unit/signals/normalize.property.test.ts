import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloneJson, isRecord } from '../../../src/domain/json.js';
import { judge } from '../../../src/signals/judge.js';
import { normalize, normalizeText } from '../../../src/signals/normalize.js';
import { SignalRejected } from '../../../src/signals/rejected.js';
import { DNS1123_LABEL, DNS1123_SUBDOMAIN, WorkflowSignal } from '../../../src/signals/signal.js';
import { forwarderFixtures } from '../../fixtures/events/forwarders/build.js';
import { ctx, fixture } from './fixture.js';

/** Runs normalize; any throw other than SignalRejected fails the property. Signals must pass the schema. */
function outcome(run: () => ReturnType<typeof normalize>): ReturnType<typeof normalize> | SignalRejected {
  try {
    const result = run();
    for (const signal of result.signals) WorkflowSignal.parse(signal);
    for (const { reason } of result.ignored) expect(typeof reason).toBe('string');
    return result;
  } catch (err) {
    if (err instanceof SignalRejected) {
      expect(err.message).not.toMatch(/[\r\n]/);
      return err;
    }
    throw err;
  }
}

const name = fc.oneof(
  fc.constantFrom('etl-7xk2p', 'a', 'wf.v2', 'x'.repeat(253), 'Upper', '../up', 'a_b', '', '-lead', 'trail-', 'x'.repeat(254), ' sp'),
  fc.string({ maxLength: 20 }),
);
const namespace = fc.oneof(fc.constantFrom('argo', 'data-jobs', 'a.b', 'Argo', '', 'x'.repeat(64)), fc.string({ maxLength: 10 }));
const kind = fc.constantFrom('Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow', 'Pod', 'WorkflowArtifactGCTask', 'workflow', '');
const apiVersion = fc.constantFrom('argoproj.io/v1alpha1', 'argoproj.io/v1', 'v1', 'example.com/v1', 'argoproj.io.evil/v1', '');

const enhancedEvent = fc.record({
  reason: fc.string({ maxLength: 30 }),
  clusterName: fc.constantFrom('prod', '', 'edge-1'),
  involvedObject: fc.record({ kind, apiVersion, namespace, name, uid: fc.option(fc.uuid(), { nil: undefined }) }),
});

/** The contract of the accepted signal shapes (README, explain-event), restated independently of the implementation. */
function expectation(event: { involvedObject: { kind: string; apiVersion: string; namespace: string; name: string } }) {
  const o = event.involvedObject;
  // A Workflow without apiVersion is taken as argoproj.io (the live read settles it); any other group is ignored.
  if (o.kind !== 'Workflow' || (o.apiVersion !== '' && !o.apiVersion.startsWith('argoproj.io/'))) return 'ignored';
  return DNS1123_LABEL.test(o.namespace) && DNS1123_SUBDOMAIN.test(o.name) ? 'signal' : 'rejected';
}

describe('normalize under arbitrary input', () => {
  it('throws nothing but SignalRejected on any JSON value, and every signal passes the schema', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => void outcome(() => normalize(value, ctx))), { numRuns: 2000 });
  });

  it('throws nothing but SignalRejected on any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })), (text) => void outcome(() => normalizeText(text, ctx))),
      { numRuns: 1000 },
    );
  });

  it('judges any SQS batch record by record without throwing: every record is a signal source, ignored or rejected by messageId', () => {
    const body = fc.oneof(fc.string(), fc.json(), fc.constantFrom(...forwarderFixtures().map((f) => f.text)));
    const record = fc.oneof(fc.record({ messageId: fc.string(), eventSource: fc.constant('aws:sqs'), body }), fc.jsonValue());
    fc.assert(
      fc.property(fc.array(record, { maxLength: 6 }), (records) => {
        const out = judge({ Records: records }, ctx);
        for (const signal of out.signals) WorkflowSignal.parse(signal);
        for (const r of out.rejected) expect(r.reason).not.toMatch(/[\r\n]/);
        expect(out.rejected.length).toBeLessThanOrEqual(records.length);
      }),
      { numRuns: 500 },
    );
  });

  it('survives arbitrary values in place of the known fields of every supported shape', () => {
    const shapes = [
      'exporter-artifact-gc-failed.json',
      'eventbridge-envelope.json',
      'sqs-eventbridge-body.json',
      'argo-events-resource-update.json',
      'argo-events-whole-event-base64.json',
      'argo-events-cloudevent-base64.json',
      'sweep-message.json',
      'requeue-message.json',
      'sqs-record-exporter-layout.json',
    ]
      .map((file) => fixture(file))
      // Every forwarder shape as the forwarders serialize it, and what each SQS record of them carries.
      .concat(forwarderFixtures().flatMap((f) => {
        const parsed = JSON.parse(f.text) as Record<string, unknown>;
        const records = (parsed['Records'] as { body: string }[] | undefined) ?? [];
        return [parsed, ...records.map((r) => JSON.parse(r.body) as Record<string, unknown>)];
      }));
    fc.assert(
      fc.property(fc.constantFrom(...shapes), fc.jsonValue(), fc.nat(), (shape, value, pick) => {
        const mutated = cloneJson(shape);
        // Replace one field, at the top or one level down, with an arbitrary value.
        const keys = Object.keys(mutated);
        const key = keys[pick % keys.length]!;
        const inner = mutated[key];
        if (isRecord(inner) && pick % 2 === 0) {
          const innerKeys = Object.keys(inner);
          if (innerKeys.length > 0) inner[innerKeys[pick % innerKeys.length]!] = value;
        } else {
          mutated[key] = value;
        }
        outcome(() => normalize(mutated, ctx));
      }),
      { numRuns: 3000 },
    );
  });

  it('yields a signal exactly for valid argoproj.io Workflows, however wrapped', () => {
    fc.assert(
      fc.property(enhancedEvent, fc.constantFrom('direct', 'eventbridge', 'sqs', 'sqs+eventbridge'), (event, wrapping) => {
        const envelope = { 'detail-type': 'kubernetes-event', source: 'k8s.event-exporter', detail: event };
        const record = (body: unknown) => ({ Records: [{ messageId: 'm', eventSource: 'aws:sqs', body: JSON.stringify(body) }] });
        const payload = { direct: event, eventbridge: envelope, sqs: record(event), 'sqs+eventbridge': record(envelope) }[wrapping];
        const result = outcome(() => normalize(payload, ctx));
        const expected = expectation(event);
        if (expected === 'rejected') {
          expect(result).toBeInstanceOf(SignalRejected);
        } else if (expected === 'ignored') {
          expect(result).not.toBeInstanceOf(SignalRejected);
          expect(result).toMatchObject({ signals: [], ignored: [{ reason: expect.any(String) }] });
        } else {
          expect(result).toEqual({
            signals: [
              {
                cluster: event.clusterName || ctx.defaultCluster,
                namespace: event.involvedObject.namespace,
                name: event.involvedObject.name,
                ...(event.involvedObject.uid ? { uid: event.involvedObject.uid } : {}),
                source: wrapping.includes('eventbridge') ? 'eventbridge' : 'event-exporter',
                ...(event.reason.trim() ? { reason: event.reason } : {}),
              },
            ],
            ignored: [],
          });
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same answer for a value and its JSON text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), enhancedEvent), (value) => {
        const direct = outcome(() => normalize(value, ctx));
        const text = outcome(() => normalizeText(JSON.stringify(value), ctx));
        if (direct instanceof SignalRejected) expect(text).toBeInstanceOf(SignalRejected);
        else expect(text).toEqual(direct);
      }),
      { numRuns: 500 },
    );
  });
});
