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
});
