import { describe, expect, it } from 'vitest';
import { judge, judgeRecord, judgeText } from '../../../src/signals/judge.js';
import { SQS_MESSAGE } from '../../../src/signals/limits.js';
import { ctx, fixture, fixtureText } from './fixture.js';
import { rejection } from './reject.js';

const record = (messageId: string, body: string) => ({ messageId, receiptHandle: 'AQEB…', body, attributes: {}, messageAttributes: {}, md5OfBody: '…', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:q', awsRegion: 'eu-west-1' });
const exporterBody = fixtureText('exporter-artifact-gc-failed.json');

describe('judgement record by record (what evaluate does, what explain-event prints)', () => {
  it('rejects an unreadable record alone and keeps what the others yield', () => {
    // The SQS console's "Send and receive messages" default body is plain text.
    const batch = { Records: [record('m1', exporterBody), record('m2', 'Hello from SQS!'), record('m3', JSON.stringify(fixture('workflowtemplate-event.json')))] };
    expect(judge(batch, ctx)).toEqual({
      signals: [expect.objectContaining({ name: 'etl-7xk2p', cluster: 'prod-eks-euw1', source: 'event-exporter' })],
      ignored: [{ reason: 'SQS record "m3" body: involvedObject is argoproj.io/WorkflowTemplate, not a Workflow' }],
      rejected: [{ messageId: 'm2', reason: 'SQS record "m2" body is not JSON' }],
    });
  });

  it('gives evaluate and explain-event the same verdict on the same record', () => {
    for (const body of [exporterBody, 'Hello from SQS!', JSON.stringify({ kind: 'afr.sweep/v1', cluster: 'c', namespace: 'argo', name: 'Bad' })]) {
      const alone = judgeRecord({ id: 'm1', body }, ctx);
      const inBatch = judge({ Records: [record('m1', body)] }, ctx);
      if (alone.rejected) expect(inBatch.rejected).toEqual([{ messageId: 'm1', reason: alone.rejected.reason }]);
      else expect(inBatch).toEqual({ ...alone, rejected: [] });
    }
  });

  it('holds each record to 1 MiB, not the batch: ten 300 KiB records are read one by one', () => {
    const big = fixture('exporter-artifact-gc-failed.json');
    const padded = (i: number) => JSON.stringify({ ...big, involvedObject: { ...(big['involvedObject'] as object), name: `wf-${i}`, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(300 * 1024) } } });
    const batch = { Records: Array.from({ length: 10 }, (_, i) => record(`m${i}`, padded(i))) };
    expect(JSON.stringify(batch).length).toBeGreaterThan(3_000_000);
    const out = judgeText(JSON.stringify(batch), ctx);
    expect(out.signals.map((s) => s.name)).toEqual(Array.from({ length: 10 }, (_, i) => `wf-${i}`));
    expect(out.rejected).toEqual([]);
    const over = record('m9', JSON.stringify({ ...big, pad: 'x'.repeat(SQS_MESSAGE.maxBytes) }));
    expect(judge({ Records: [record('m1', exporterBody), over] }, ctx).rejected).toEqual([
      { messageId: 'm9', reason: expect.stringMatching(/^SQS record "m9" body is [\d,]+ bytes, more than an SQS message holds \(1 MiB\)$/) },
    ]);
  });

  it('names records without messageId by index, and rejects what is not an SQS record', () => {
    const { messageId: _m, ...anonymous } = record('x', 'nope');
    expect(judge({ Records: [anonymous, 42] }, ctx).rejected).toEqual([
      { messageId: '#0', reason: 'SQS record #0 body is not JSON' },
      { messageId: '#1', reason: 'SQS record #1 is not an SQS record (expected eventSource "aws:sqs" and a body)' },
    ]);
    expect(judge({ Records: [] }, ctx)).toEqual({ signals: [], ignored: [{ reason: 'SQS event has no records' }], rejected: [] });
  });

  it('ignores a parked decision, as evaluate republishes it instead of normalizing it', () => {
    expect(judgeRecord({ id: 'm', body: JSON.stringify({ kind: 'afr.decision/v1', decision: {} }) }, ctx)).toEqual({
      signals: [],
      ignored: [{ reason: expect.stringMatching(/^a parked decision \(afr\.decision\/v1\)/) }],
    });
  });

  it('throws only when nothing can be read', () => {
    expect(rejection(() => judgeText('Hello from SQS!', ctx)).reason).toMatch(/^input is not JSON/);
    expect(rejection(() => judge({ alert: 'x' }, ctx)).reason).toMatch(/^payload matches no supported shape/);
    expect(rejection(() => judge(fixture('invalid-name-uppercase.json'), ctx)).reason).toMatch(/is invalid/);
  });

  it('judges a body that arrived parsed as it is, without reading it as text', () => {
    expect(judgeRecord({ id: 'm1', body: fixture('exporter-artifact-gc-failed.json') }, ctx)).toEqual({
      signals: [expect.objectContaining({ name: 'etl-7xk2p', source: 'event-exporter' })],
      ignored: [],
    });
  });

  it('lets an unexpected error (a bug, not bad input) through instead of calling the record rejected', () => {
    const hostile = { get kind(): never { throw new TypeError('boom'); } };
    expect(() => judgeRecord({ id: 'm1', body: hostile }, ctx)).toThrow(TypeError);
  });

  it('names a record bare only by its own index form, and quotes any other messageId', () => {
    const records = Array.from({ length: 11 }, () => ({ eventSource: 'aws:sqs', body: 'nope' }));
    expect(judge({ Records: records }, ctx).rejected[10]).toEqual({ messageId: '#10', reason: 'SQS record #10 body is not JSON' });
    for (const id of ['a#1', '#1a']) {
      expect(judge({ Records: [record(id, 'nope')] }, ctx).rejected).toEqual([{ messageId: id, reason: `SQS record "${id}" body is not JSON` }]);
    }
  });

  it('judges a lone SQS record record by record, and leaves anything else to normalize whole', () => {
    expect(judge(record('m1', 'nope'), ctx)).toEqual({ signals: [], ignored: [], rejected: [{ messageId: 'm1', reason: 'SQS record "m1" body is not JSON' }] });
    expect(rejection(() => judge(null, ctx)).reason).toMatch(/^payload is .+, expected a JSON object$/);
    expect(rejection(() => judge({ Records: 'not a list' }, ctx)).reason).toMatch(/^SQS event: Records: /);
  });
});
