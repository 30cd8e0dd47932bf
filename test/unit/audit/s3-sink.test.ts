import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditKey, decisionRecord } from '../../../src/audit/record.js';
import { S3AuditSink } from '../../../src/audit/s3-sink.js';
import { gcFailedDecision } from '../notify/fixtures.js';

// Mocked because s3rver ignores If-None-Match: the only way to see S3's 412 and 409 answers here. The real
// wire path is test/integration/audit/s3-audit-sink.test.ts, and for the conditional answers
// test/integration/aws/s3-conditional-writes.test.ts (moto and a loopback 409).

const s3Mock = mockClient(S3Client);
beforeEach(() => s3Mock.reset());

const rec = decisionRecord(gcFailedDecision(), '2026-08-18T12:04:12.000Z');
const conditionalError = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

describe('S3AuditSink', () => {
  it('writes once: If-None-Match *, JSON, SSE-S3 without a KMS key', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    expect(await new S3AuditSink({ client: new S3Client({}), bucket: 'b' }).record(rec)).toBe('written');
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'b',
      Key: auditKey(rec),
      IfNoneMatch: '*',
      ContentType: 'application/json',
      ServerSideEncryption: 'AES256',
    });
    const body = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input.Body as string;
    expect(JSON.parse(body)).toEqual(rec);
  });

  it('uses SSE-KMS with the configured key', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    await new S3AuditSink({ client: new S3Client({}), bucket: 'b', kmsKeyId: 'alias/audit' }).record(rec);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/audit', IfNoneMatch: '*' });
  });

  it('treats 412 PreconditionFailed as a duplicate, which is success', async () => {
    s3Mock.on(PutObjectCommand).rejects(conditionalError('PreconditionFailed', 412));
    expect(await new S3AuditSink({ client: new S3Client({}), bucket: 'b' }).record(rec)).toBe('duplicate');
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { IfNoneMatch: '*' });
  });

  // A 409 means a write of the key was in flight and may yet fail: never "already written". The wire path
  // (real XML error bodies, then moto) is test/integration/aws/s3-conditional-writes.test.ts.
  it.each(['ConditionalRequestConflict', 'OperationAborted'])('never counts a 409 %s as a duplicate: retried, then thrown', async (code) => {
    s3Mock.on(PutObjectCommand).rejects(conditionalError(code, 409));
    const waits: number[] = [];
    const conflictRetry = { attempts: 3, backoff: { baseMs: 100, capMs: 1000 }, sleep: async (ms: number) => void waits.push(ms) };
    await expect(new S3AuditSink({ client: new S3Client({}), bucket: 'b', conflictRetry }).record(rec)).rejects.toThrow(code);
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 3);
    expect(waits).toHaveLength(2);
  });

  it('a 409 followed by a 412 is a duplicate: the write that was in flight stored the record', async () => {
    s3Mock.on(PutObjectCommand).rejectsOnce(conditionalError('ConditionalRequestConflict', 409)).rejects(conditionalError('PreconditionFailed', 412));
    const conflictRetry = { attempts: 3, backoff: { baseMs: 100, capMs: 1000 }, sleep: async () => {} };
    expect(await new S3AuditSink({ client: new S3Client({}), bucket: 'b', conflictRetry }).record(rec)).toBe('duplicate');
  });

  it('any other 409 is a plain failure, not retried here', async () => {
    s3Mock.on(PutObjectCommand).rejects(conditionalError('InvalidBucketState', 409));
    await expect(new S3AuditSink({ client: new S3Client({}), bucket: 'b' }).record(rec)).rejects.toThrow('InvalidBucketState');
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 1);
  });

  it('lets any other failure through, so the event is retried', async () => {
    s3Mock.on(PutObjectCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Access Denied' }));
    await expect(new S3AuditSink({ client: new S3Client({}), bucket: 'b' }).record(rec)).rejects.toThrow('Access Denied');
  });
});
