import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditEvent } from '../../../src/audit/audit-event.js';
import { AnyAuditRecord, AuditRecord, auditKey, decisionRecord } from '../../../src/audit/record.js';
import { S3AuditSink } from '../../../src/audit/s3-sink.js';
import { signalRejected } from '../../../src/domain/alerts.js';
import { DECISION_DETAIL_TYPE, SIGNAL_REJECTED_DETAIL_TYPE, SYSTEMIC_ALERT_DETAIL_TYPE } from '../../../src/domain/decision.js';
import { EpisodeMarker, pendingMarker, postedMarker } from '../../../src/notify/episodes.js';
import { S3EpisodeStore } from '../../../src/notify/episodes-s3.js';
import { withMoto } from '../../helpers/moto.js';
import { fakeTime } from '../../unit/notify/fake-time.js';
import { forceRemovalDecision, gcFailedDecision, systemicAlert } from '../../unit/notify/fixtures.js';
import { sdkS3Objects } from '../../../src/aws/s3-objects.js';

// The audit sink and the Slack episode store against moto's S3: real conditional writes (412 on
// If-None-Match: *, If-Match on an ETag), a versioned bucket like the deployed one, the SDK's own checksums.

const fx = withMoto();
const BUCKET = 'afr-audit-test';
let s3: S3Client;

beforeEach(async () => {
  await fx.moto.reset();
  s3 = new S3Client(fx.moto.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  // Versioned, as serverless.yml deploys the audit bucket: an overwrite would leave a second version behind.
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
});

async function getJson(key: string): Promise<{ body: unknown; contentType: string | undefined; etag: string | undefined }> {
  const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return { body: JSON.parse(await res.Body!.transformToString()), contentType: res.ContentType, etag: res.ETag };
}

const versionsOf = async (key: string) => ((await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: key }))).Versions ?? []).filter((v) => v.Key === key);
const puts = () => fx.moto.callsTo('S3.PUT').filter((c) => !c.path.includes('versioning') && c.path !== `/${BUCKET}`);

describe('S3AuditSink on moto', () => {
  const sink = () => new S3AuditSink({ objects: sdkS3Objects(s3), bucket: BUCKET });

  it('writes a removal under the exact key with If-None-Match: *, SSE and JSON, and the body parses as an AuditRecord', async () => {
    const d = forceRemovalDecision();
    const rec = decisionRecord(d, '2026-09-02T00:15:01.000Z');
    expect(await sink().record(rec)).toBe('written');

    const key = `audit/cluster=staging/date=2026-09-02/batch/nightly-export-29481/c2d4e6f8-1a3b-4c5d-8e9f-0a1b2c3d4e5f/${d.decisionId}.json`;
    const { body, contentType } = await getJson(key);
    expect(contentType).toBe('application/json');
    const parsed = AuditRecord.parse(body);
    expect(parsed.decision).toEqual(d);
    expect(parsed.patchSent).toEqual(d.patch);
    expect(parsed.apiOutcome).toEqual({ status: 200, outcome: 'patched' });
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ServerSideEncryption).toBe('AES256');
    expect(puts().filter((c) => c.path.includes(encodeURI(key).replace(/=/g, '%3D')) || c.path.includes(key)).map((c) => c.headers['if-none-match'])).toEqual(['*']);
  });

  it('a retried record is a duplicate: S3 answers 412, the first record stays, and no second version exists', async () => {
    const first = decisionRecord(gcFailedDecision(), '2026-08-18T12:04:12.000Z');
    expect(await sink().record(first)).toBe('written');
    const retried = decisionRecord(gcFailedDecision(), '2026-08-18T12:09:00.000Z');
    expect(auditKey(retried)).toBe(auditKey(first));
    expect(await sink().record(retried)).toBe('duplicate');

    expect((await getJson(auditKey(first))).body).toEqual(first);
    expect(await versionsOf(auditKey(first))).toHaveLength(1);
  });

  it('any other failure propagates, so the event is retried and nothing is counted as written', async () => {
    fx.moto.faults.push({ operation: 'S3.PUT', path: /\/audit\//, error: { status: 403, code: 'AccessDenied', message: 'Access Denied' } });
    const rec = decisionRecord(gcFailedDecision(), '2026-08-18T12:04:12.000Z');
    await expect(sink().record(rec)).rejects.toThrow('Access Denied');
    expect(await versionsOf(auditKey(rec))).toHaveLength(0);
  });

  it('audits all three detail types through the use case, each under its own prefix', async () => {
    const deps = { sink: sink(), now: () => new Date('2026-08-18T12:04:12Z') };
    const d = gcFailedDecision();
    const rejected = signalRejected({ reason: 'not JSON', at: '2026-08-18T12:00:00Z', payload: 'garbage{' });
    const out = [
      await auditEvent(DECISION_DETAIL_TYPE, d, deps),
      await auditEvent(SIGNAL_REJECTED_DETAIL_TYPE, rejected, deps),
      await auditEvent(SYSTEMIC_ALERT_DETAIL_TYPE, systemicAlert(), deps),
    ];
    expect(out.map((o) => o.result)).toEqual(['written', 'written', 'written']);
    expect(out.map((o) => o.key)).toEqual([
      `audit/cluster=prod-eu-1/date=2026-08-18/data/etl-run-q8h2d/${d.workflow.uid}/${d.decisionId}.json`,
      `audit/cluster=unknown/date=2026-08-18/_rejected/${rejected.payloadDigest}.json`,
      'audit/cluster=prod-eu-1/date=2026-09-02/_systemic/sweep-2026-09-02T03_00_00Z.json',
    ]);
    const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'audit/' }))).Contents ?? []).map((o) => o.Key);
    for (const o of out) {
      expect(keys).toContain(o.key);
      AnyAuditRecord.parse((await getJson(o.key)).body);
    }
  });
});

describe('S3EpisodeStore on moto', () => {
  const KEY = 'notified/prod-eu-1/0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21/gc-failed.json';
  const store = (clock: () => number) => new S3EpisodeStore({ client: s3, bucket: BUCKET, clock, leaseSeconds: 900 });
  const marker = async () => EpisodeMarker.parse((await getJson(KEY)).body);

  it('of two claims, exactly one wins (If-None-Match: *); confirm rewrites as posted; release deletes', async () => {
    const t = fakeTime();
    const [a, b] = [store(t.clock), store(t.clock)];
    expect(await a.claim(KEY, 3600)).toBe(true);
    expect(await b.claim(KEY, 3600)).toBe(false);
    expect((await marker()).state).toBe('pending');

    await a.confirm(KEY, 3600);
    const posted = await marker();
    expect(posted.state).toBe('posted');
    expect(posted.expiresAt - Date.parse(posted.claimedAt)).toBe(3600_000);
    await a.release(KEY);
    await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('takes over an expired marker with If-Match on its ETag', async () => {
    const t = fakeTime();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: JSON.stringify(postedMarker(t.now - 7200_000, 3600)) }));
    const { etag } = await getJson(KEY);
    expect(await store(t.clock).claim(KEY, 3600)).toBe(true);
    expect((await marker()).state).toBe('pending');
    const takeover = puts().filter((c) => c.path.includes(KEY)).at(-1)!;
    expect(takeover.headers['if-match']).toBe(etag);
  });

  it('loses the takeover when the marker changed between its read and its write (S3 answers 412 to If-Match)', async () => {
    const t = fakeTime();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: JSON.stringify(pendingMarker(t.now - 3600_000, 60, 900)) }));
    // Another invocation replaces the marker right after this one read it: the If-Match put hits a new ETag.
    let replaced = false;
    const racing = new S3Client(fx.moto.clientConfig);
    racing.middlewareStack.add(
      (next, ctx) => async (args) => {
        const out = await next(args);
        if (ctx.commandName === 'GetObjectCommand' && !replaced) {
          replaced = true;
          await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: JSON.stringify(pendingMarker(t.now, 60, 900)) }));
        }
        return out;
      },
      { step: 'initialize' },
    );
    expect(await new S3EpisodeStore({ client: racing, bucket: BUCKET, clock: t.clock, leaseSeconds: 900 }).claim(KEY, 60)).toBe(false);
    expect(replaced).toBe(true);
    expect((await marker()).claimedAt).toBe(new Date(t.now).toISOString());
  });

  it('lets a non-conditional error through', async () => {
    fx.moto.faults.push({ operation: 'S3.PUT', path: /notified/, error: { status: 403, code: 'AccessDenied', message: 'Access Denied' } });
    await expect(store(fakeTime().clock).claim(KEY, 60)).rejects.toThrow('Access Denied');
  });
});
