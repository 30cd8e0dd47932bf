import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditKey, decisionRecord } from '../../../src/audit/record.js';
import { DEFAULT_CONFLICT_RETRY } from '../../../src/audit/s3-conditional.js';
import { S3AuditSink } from '../../../src/audit/s3-sink.js';
import { S3EpisodeStore } from '../../../src/notify/episodes-s3.js';
import { withMoto } from '../../helpers/moto.js';
import { gcFailedDecision } from '../../unit/notify/fixtures.js';
import { sdkS3Objects } from '../../../src/aws/s3-objects.js';

// S3 conditional writes through the real SDK client. moto answers the 412s. moto never answers S3's 409
// ConditionalRequestConflict / OperationAborted (it has no concurrent writers), so the moto helper's proxy
// answers chosen PUTs with the 409 and the error document S3 sends, and passes every other request to moto.

const BUCKET = 'afr-conditional';
const fx = withMoto();

let client: S3Client;

/** The next PUTs of an object in the bucket are answered with these S3 error codes (HTTP 409), in order. */
function conflictNext(...codes: string[]): void {
  for (const code of codes) {
    fx.moto.faults.push({
      operation: 'S3.PUT',
      path: new RegExp(`^/${BUCKET}/[^?]`),
      times: 1,
      error: { status: 409, code, message: 'A conflicting operation occurred. If using PutObject you can retry the request.' },
    });
  }
}
const putsSeen = () => fx.moto.callsTo('S3.PUT').filter((c) => c.path.startsWith(`/${BUCKET}/`) && c.path.length > BUCKET.length + 2).length;

beforeEach(async () => {
  await fx.moto.reset();
  client = new S3Client(fx.moto.clientConfig);
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  fx.moto.calls.length = 0;
});

const waits: number[] = [];
const conflictRetry = { ...DEFAULT_CONFLICT_RETRY, sleep: async (ms: number) => void waits.push(ms) };
const rec = decisionRecord(gcFailedDecision(), '2026-08-18T12:04:12.000Z');

async function stored(key: string): Promise<unknown> {
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return JSON.parse(await res.Body!.transformToString());
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
    throw err;
  }
}

describe('audit records: a 412 is "already written", a 409 is a retry', () => {
  it('writes once; the second write of the same record is refused with 412 and counted as a duplicate', async () => {
    const sink = new S3AuditSink({ objects: sdkS3Objects(client), bucket: BUCKET });
    expect(await sink.record(rec)).toBe('written');
    expect(await sink.record(rec)).toBe('duplicate');
    expect(await stored(auditKey(rec))).toEqual(rec);
  });

  it.each(['ConditionalRequestConflict', 'OperationAborted'])('retries a 409 %s and then stores the record', async (code) => {
    waits.length = 0;
    conflictNext(code, code);
    const sink = new S3AuditSink({ objects: sdkS3Objects(client), bucket: BUCKET, conflictRetry });
    expect(await sink.record(rec)).toBe('written');
    expect(putsSeen()).toBe(3);
    expect(waits).toHaveLength(2);
    expect(await stored(auditKey(rec))).toEqual(rec);
  });

  it('a 409 that persists fails the write (the event is retried, then dead-lettered): never "duplicate", nothing stored', async () => {
    conflictNext(...Array.from({ length: conflictRetry.attempts }, () => 'ConditionalRequestConflict'));
    const sink = new S3AuditSink({ objects: sdkS3Objects(client), bucket: BUCKET, conflictRetry });
    const err = await sink.record(rec).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.name).toBe('ConditionalRequestConflict');
    expect(putsSeen()).toBe(conflictRetry.attempts);
    expect(await stored(auditKey(rec))).toBeUndefined();
  });
});

describe('audit records: the other answers', () => {
  it('a 409 followed by a 412 is a duplicate: the write that was in flight stored the record', async () => {
    expect(await new S3AuditSink({ objects: sdkS3Objects(client), bucket: BUCKET }).record(rec)).toBe('written');
    conflictNext('ConditionalRequestConflict');
    expect(await new S3AuditSink({ objects: sdkS3Objects(client), bucket: BUCKET, conflictRetry }).record(rec)).toBe('duplicate');
    expect(putsSeen()).toBe(3);
  });

  it('any other 409 is a plain failure, not retried here', async () => {
    conflictNext('InvalidBucketState');
    await expect(new S3AuditSink({ objects: sdkS3Objects(client), bucket: BUCKET, conflictRetry }).record(rec)).rejects.toThrow(/conflicting operation/);
    expect(putsSeen()).toBe(1);
  });

  it('sends If-None-Match: * with SSE-KMS and the configured key', async () => {
    await new S3AuditSink({ objects: sdkS3Objects(client), bucket: BUCKET, kmsKeyId: 'alias/audit' }).record(rec).catch(() => undefined);
    const put = fx.moto.callsTo('S3.PUT').find((c) => c.path.startsWith(`/${BUCKET}/audit/`))!;
    expect(put.headers).toMatchObject({ 'if-none-match': '*', 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': 'alias/audit' });
  });
});

describe('notification markers: the same rule', () => {
  const KEY = 'notified/prod/u1/gc-failed.json';

  it('a claim that meets a 409 is retried and wins; a second claim meets the 412 and gives way', async () => {
    conflictNext('ConditionalRequestConflict');
    const store = new S3EpisodeStore({ client, bucket: BUCKET, conflictRetry });
    expect(await store.claim(KEY, 3600)).toBe(true);
    expect(await stored(KEY)).toMatchObject({ state: 'pending' });
    expect(await new S3EpisodeStore({ client, bucket: BUCKET }).claim(KEY, 3600)).toBe(false);
  });
});
