import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditKey, decisionRecord } from '../../../src/audit/record.js';
import { DEFAULT_CONFLICT_RETRY } from '../../../src/audit/s3-conditional.js';
import { S3AuditSink } from '../../../src/audit/s3-sink.js';
import { S3EpisodeStore } from '../../../src/notify/episodes-s3.js';
import { withMoto } from '../../helpers/moto.js';
import { gcFailedDecision } from '../../unit/notify/fixtures.js';

// S3 conditional writes through the real SDK client. moto answers the 412s. moto never answers S3's 409
// ConditionalRequestConflict / OperationAborted (it has no concurrent writers), so a loopback proxy in front
// of it answers chosen PUTs with the 409 and error body S3 sends, and passes every other request to moto.

const BUCKET = 'afr-conditional';
const fx = withMoto();

/** The next PUTs answered with this S3 error code (HTTP 409) instead of reaching moto. */
const conflicts: string[] = [];
let putsSeen = 0;
let proxy: Server;
let direct: S3Client;
let viaProxy: S3Client;

function conflictBody(code: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>A conflicting operation occurred. If using PutObject you can retry the request.</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>proxy</HostId></Error>`;
}

beforeAll(async () => {
  const upstream = new URL(fx.moto.endpoint);
  proxy = createServer((req, res) => {
    if (req.method === 'PUT' && req.url?.startsWith(`/${BUCKET}/`)) {
      putsSeen += 1;
      const code = conflicts.shift();
      if (code) {
        req.resume();
        res.writeHead(409, { 'content-type': 'application/xml', 'x-amz-request-id': '4442587FB7D0A2F9' }).end(conflictBody(code));
        return;
      }
    }
    const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', (err) => res.writeHead(502).end(String(err)));
    req.pipe(out);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  direct = new S3Client(fx.moto.clientConfig);
  viaProxy = new S3Client({ ...fx.moto.clientConfig, endpoint });
});

afterAll(async () => {
  direct?.destroy();
  viaProxy?.destroy();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
});

beforeEach(async () => {
  await fx.moto.reset();
  await direct.send(new CreateBucketCommand({ Bucket: BUCKET }));
  conflicts.length = 0;
  putsSeen = 0;
});

const waits: number[] = [];
const conflictRetry = { ...DEFAULT_CONFLICT_RETRY, sleep: async (ms: number) => void waits.push(ms) };
const rec = decisionRecord(gcFailedDecision(), '2026-08-18T12:04:12.000Z');

async function stored(key: string): Promise<unknown> {
  try {
    const res = await direct.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return JSON.parse(await res.Body!.transformToString());
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
    throw err;
  }
}

describe('audit records: a 412 is "already written", a 409 is a retry', () => {
  it('writes once; the second write of the same record is refused with 412 and counted as a duplicate', async () => {
    const sink = new S3AuditSink({ client: direct, bucket: BUCKET });
    expect(await sink.record(rec)).toBe('written');
    expect(await sink.record(rec)).toBe('duplicate');
    expect(await stored(auditKey(rec))).toEqual(rec);
  });

  it.each(['ConditionalRequestConflict', 'OperationAborted'])('retries a 409 %s and then stores the record', async (code) => {
    waits.length = 0;
    conflicts.push(code, code);
    const sink = new S3AuditSink({ client: viaProxy, bucket: BUCKET, conflictRetry });
    expect(await sink.record(rec)).toBe('written');
    expect(putsSeen).toBe(3);
    expect(waits).toHaveLength(2);
    expect(await stored(auditKey(rec))).toEqual(rec);
  });

  it('a 409 that persists fails the write (the event is retried, then dead-lettered): never "duplicate", nothing stored', async () => {
    conflicts.push(...Array.from({ length: conflictRetry.attempts }, () => 'ConditionalRequestConflict'));
    const sink = new S3AuditSink({ client: viaProxy, bucket: BUCKET, conflictRetry });
    const err = await sink.record(rec).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.name).toBe('ConditionalRequestConflict');
    expect(putsSeen).toBe(conflictRetry.attempts);
    expect(await stored(auditKey(rec))).toBeUndefined();
  });
});

describe('notification markers: the same rule', () => {
  const KEY = 'notified/prod/u1/gc-failed.json';

  it('a claim that meets a 409 is retried and wins; a second claim meets the 412 and gives way', async () => {
    conflicts.push('ConditionalRequestConflict');
    const store = new S3EpisodeStore({ client: viaProxy, bucket: BUCKET, conflictRetry });
    expect(await store.claim(KEY, 3600)).toBe(true);
    expect(await stored(KEY)).toMatchObject({ state: 'pending' });
    expect(await new S3EpisodeStore({ client: direct, bucket: BUCKET }).claim(KEY, 3600)).toBe(false);
  });
});
