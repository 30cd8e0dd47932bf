import { describe, expect, it } from 'vitest';
import { cloneJson } from '../../../src/domain/json.js';
import { AuditRecord, auditKey, decisionRecord, rejectedRecord, systemicRecord } from '../../../src/audit/record.js';
import { signalRejected } from '../../../src/domain/alerts.js';
import { forceRemovalDecision, gcFailedDecision, noPendingRemovalDecision, systemicAlert } from '../notify/fixtures.js';

const AT = '2026-09-02T00:15:01.000Z';

describe('AuditRecord', () => {
  it('records the patch and the API status of a removal', () => {
    const d = noPendingRemovalDecision();
    const rec = decisionRecord(d, AT);
    expect(rec).toEqual({
      schemaVersion: 1,
      kind: 'decision',
      decision: d,
      patchSent: d.patch,
      apiOutcome: { status: 200, outcome: 'patched' },
      snapshotDigest: null,
      evidenceKey: null,
      evidenceSha256: null,
      intentKey: null,
      recordedAt: AT,
    });
    expect(AuditRecord.parse(cloneJson(rec))).toEqual(rec);
  });

  it('links the evidence bundle and the intent record written before the removal', () => {
    const evidence = {
      evidenceKey: 'evidence/cluster=prod/date=2026-11-30/argo/wf/uid-1/abc/',
      evidenceSha256: 'f'.repeat(64),
      intentKey: 'audit/cluster=prod/date=2026-11-30/argo/wf/uid-1/abc.intent.json',
    };
    const rec = decisionRecord({ ...noPendingRemovalDecision(), ...evidence }, AT);
    expect({ evidenceKey: rec.evidenceKey, evidenceSha256: rec.evidenceSha256, intentKey: rec.intentKey }).toEqual(evidence);
  });

  it('records no patch for a notification, even though one could be planned', () => {
    const rec = decisionRecord(gcFailedDecision(), AT);
    expect(rec.patchSent).toBeNull();
    expect(rec.apiOutcome).toEqual({ outcome: 'policy: gc-failed is never removed automatically' });
    expect(rec.snapshotDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('records the patch of a removal that failed closed (422) with its status', () => {
    const d = forceRemovalDecision({ action: 'none', outcome: 'changed-reassessed', apiStatus: 422 });
    expect(decisionRecord(d, AT).patchSent).toEqual(d.patch);
    expect(decisionRecord(d, AT).apiOutcome).toEqual({ status: 422, outcome: 'changed-reassessed' });
  });

  it('scrubs secrets that reached the decision', () => {
    const d = gcFailedDecision({
      outcome: 'patch failed: 401 for header Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IkZha2UifQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
      reasons: ['token k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8_QWN0aW9uPUdldENhbGxlcklkZW50aXR5 expired'],
    });
    const text = JSON.stringify(decisionRecord(d, AT));
    expect(text).not.toContain('eyJhbGciOiJSUzI1NiIsImtpZCI6IkZha2UifQ');
    expect(text).not.toContain('aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8');
    expect(text).toContain('Bearer [REDACTED]');
  });

  it('wraps rejected signals and systemic alerts with their kind', () => {
    const r = rejectedRecord(signalRejected({ cluster: 'c1', reason: 'no Workflow in payload', at: AT, payload: '{"kind":"Pod"}' }), AT);
    expect(r.kind).toBe('signal-rejected');
    expect(auditKey(r)).toMatch(/^audit\/cluster=c1\/date=2026-09-02\/_rejected\/[0-9a-f]{64}\.json$/);
    const s = systemicRecord(systemicAlert(), AT);
    expect(auditKey(s)).toBe('audit/cluster=prod-eu-1/date=2026-09-02/_systemic/sweep-2026-09-02T03_00_00Z.json');
  });
});
