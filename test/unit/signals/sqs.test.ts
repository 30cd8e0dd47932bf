import { describe, expect, it } from 'vitest';
import { SQS_MESSAGE } from '../../../src/signals/limits.js';
import { normalize } from '../../../src/signals/normalize.js';
import { ctx, fixture } from './fixture.js';
import { rejection } from './reject.js';

const record = (messageId: string, body: unknown) => ({
  messageId,
  receiptHandle: 'AQEB…',
  body,
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1788256806000' },
  messageAttributes: {},
  md5OfBody: '…',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:argo-finalizer-events',
  awsRegion: 'eu-west-1',
});

describe('SQS event and records', () => {
  it('normalizes each record of a batch, locating what it ignores', () => {
    expect(normalize(fixture('sqs-eventbridge-body.json'), ctx)).toEqual({
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
      ignored: [
        {
          reason:
            'SQS record "2e1424d4-f796-459a-8184-9c92662be6da" body: EventBridge detail: involvedObject is argoproj.io/CronWorkflow, not a Workflow',
        },
      ],
    });
  });

  it('reads a single record whose body is the raw EnhancedEvent (the exporter sqs receiver)', () => {
    expect(normalize(fixture('sqs-record-exporter-body.json'), ctx).signals).toEqual([
      expect.objectContaining({ cluster: 'prod-eks-euw1', name: 'etl-7xk2p', source: 'event-exporter', reason: 'ArtifactGCFailed' }),
    ]);
  });

  it('takes a body already parsed by @middy/event-normalizer like its string', () => {
    const batch = fixture('sqs-eventbridge-body.json') as { Records: { body: string }[] };
    const parsed = { Records: batch.Records.map((r) => ({ ...r, body: JSON.parse(r.body) as unknown })) };
    expect(normalize(parsed, ctx)).toEqual(normalize(batch, ctx));
  });

  it('carries sweep and requeue messages', () => {
    const sweep = fixture('sweep-message.json');
    const requeue = fixture('requeue-message.json');
    const { signals } = normalize({ Records: [record('m1', JSON.stringify(sweep)), record('m2', JSON.stringify(requeue))] }, ctx);
    expect(signals.map((s) => [s.source, s.attempt])).toEqual([
      ['sweep', undefined],
      ['requeue', 2],
    ]);
  });

  it('rejects a batch naming the record that cannot be read', () => {
    const good = record('m1', JSON.stringify(fixture('exporter-artifact-gc-failed.json')));
    expect(rejection(() => normalize({ Records: [good, record('m2', 'not json')] }, ctx)).reason).toBe('SQS record "m2" body is not JSON');
    const s3 = { ...good, eventSource: 'aws:s3' };
    expect(rejection(() => normalize({ Records: [s3] }, ctx)).reason).toMatch(/^SQS record "m1": eventSource: /);
    const oversize = record('m3', JSON.stringify({ pad: 'x'.repeat(SQS_MESSAGE.maxBytes) }));
    expect(rejection(() => normalize({ Records: [oversize] }, ctx)).reason).toBe('SQS record "m3" body is 1,048,586 bytes, more than an SQS message holds (1 MiB)');
    const invalid = record('m4', JSON.stringify({ kind: 'afr.sweep/v1', cluster: 'c', namespace: 'argo', name: 'Bad_Name' }));
    expect(rejection(() => normalize(invalid, ctx)).reason).toMatch(/^SQS record "m4" body: afr\.sweep\/v1: name: name must be a DNS-1123 subdomain/);
  });

  it('labels a record without messageId by its index, and says so for an empty batch', () => {
    const { messageId: _id, ...anonymous } = record('x', 'nope');
    expect(rejection(() => normalize({ Records: [anonymous] }, ctx)).reason).toBe('SQS record #0 body is not JSON');
    // A lone record without messageId is just "SQS record".
    expect(rejection(() => normalize(anonymous, ctx)).reason).toBe('SQS record body is not JSON');
    expect(normalize({ Records: [] }, ctx)).toEqual({ signals: [], ignored: [{ reason: 'SQS event has no records' }] });
    expect(rejection(() => normalize({ Records: 'all' }, ctx)).reason).toMatch(/^SQS event: Records: /);
  });
});
