import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent } from '../../../src/audit/audit-event.js';
import { AnyAuditRecord, AuditRecord, decisionRecord } from '../../../src/audit/record.js';
import { S3AuditSink } from '../../../src/audit/s3-sink.js';
import { signalRejected } from '../../../src/domain/alerts.js';
import { DECISION_DETAIL_TYPE, SIGNAL_REJECTED_DETAIL_TYPE, SYSTEMIC_ALERT_DETAIL_TYPE } from '../../../src/domain/decision.js';
import { type LocalS3, startS3rver } from '../../helpers/s3rver.js';
import { forceRemovalDecision, gcFailedDecision, systemicAlert } from '../../unit/notify/fixtures.js';

// The real SDK client against s3rver on loopback. s3rver ignores If-None-Match, so the duplicate path is in
// test/unit/audit/s3-sink.test.ts with aws-sdk-client-mock.

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startS3rver(['audit-bucket']);
});
afterAll(async () => {
  await s3?.close();
});

async function getJson(key: string): Promise<{ body: unknown; contentType: string | undefined }> {
  const res = await s3.client.send(new GetObjectCommand({ Bucket: 'audit-bucket', Key: key }));
  return { body: JSON.parse(await res.Body!.transformToString()), contentType: res.ContentType };
}

describe('S3AuditSink on s3rver', () => {
  const sink = () => new S3AuditSink({ client: s3.client, bucket: 'audit-bucket' });

  it('writes a removal under the exact key, and the body parses as an AuditRecord', async () => {
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
    expect(parsed.snapshotDigest).toBe(d.snapshotDigest);
  });

  it('audits all three detail types through the use case, each under its own prefix', async () => {
    const deps = { sink: sink(), now: () => new Date('2026-08-18T12:04:12Z') };
    const d = gcFailedDecision();
    const rejected = signalRejected({ reason: 'not JSON', at: '2026-08-18T12:00:00Z', payload: 'garbage{' });
    const alert = systemicAlert();
    const out = [
      await auditEvent(DECISION_DETAIL_TYPE, d, deps),
      await auditEvent(SIGNAL_REJECTED_DETAIL_TYPE, rejected, deps),
      await auditEvent(SYSTEMIC_ALERT_DETAIL_TYPE, alert, deps),
    ];
    expect(out.map((o) => o.result)).toEqual(['written', 'written', 'written']);
    expect(out.map((o) => o.key)).toEqual([
      `audit/cluster=prod-eu-1/date=2026-08-18/data/etl-run-q8h2d/${d.workflow.uid}/${d.decisionId}.json`,
      `audit/cluster=unknown/date=2026-08-18/_rejected/${rejected.payloadDigest}.json`,
      'audit/cluster=prod-eu-1/date=2026-09-02/_systemic/sweep-2026-09-02T03_00_00Z.json',
    ]);
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: 'audit-bucket', Prefix: 'audit/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key);
    for (const o of out) {
      expect(keys).toContain(o.key);
      AnyAuditRecord.parse((await getJson(o.key)).body);
    }
  });
});
