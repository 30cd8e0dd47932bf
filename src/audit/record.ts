import * as z from 'zod';
import { ApprovalAuditRecord, approvalRecord } from './approval-record.js';
import { JsonPatchOp } from '../domain/assessment.js';
import { SignalRejected, SystemicAlert } from '../domain/alerts.js';
import { Decision } from '../domain/decision.js';
import { redact } from '../observability/redact.js';
import { auditKey } from './key.js';

// Kept importable from here: every record kind, and where each lives, in one place for the readers of the log.
export { ApprovalAuditRecord, approvalRecord, auditKey };

const IsoTime = z.iso.datetime({ offset: true });

/**
 * One S3 object per decision (README, "Audit log"). `kind` is the same column in every record under `audit/`, so one
 * Athena table can hold all three and filter on it.
 */
export const AuditRecord = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('decision'),
  decision: Decision,
  /** The JSON patch sent to the API server; null when nothing was sent (notify, dry run, wait). */
  patchSent: z.array(JsonPatchOp).nullable(),
  apiOutcome: z.object({ status: z.number().int().optional(), outcome: z.string() }),
  snapshotDigest: z.string().nullable(),
  /** The evidence bundle stored before the act (its key prefix) and the sha256 of its manifest.json. */
  evidenceKey: z.string().nullable(),
  evidenceSha256: z.string().nullable(),
  /** The intent record stored before the act. */
  intentKey: z.string().nullable(),
  recordedAt: IsoTime,
});
export type AuditRecord = z.infer<typeof AuditRecord>;

export const RejectedSignalRecord = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('signal-rejected'),
  rejected: SignalRejected,
  recordedAt: IsoTime,
});
export type RejectedSignalRecord = z.infer<typeof RejectedSignalRecord>;

export const SystemicAlertRecord = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('systemic-alert'),
  alert: SystemicAlert,
  recordedAt: IsoTime,
});
export type SystemicAlertRecord = z.infer<typeof SystemicAlertRecord>;


export const AnyAuditRecord = z.discriminatedUnion('kind', [AuditRecord, RejectedSignalRecord, SystemicAlertRecord, ApprovalAuditRecord]);
export type AnyAuditRecord = z.infer<typeof AnyAuditRecord>;

/**
 * A patch was sent when the API answered one (`apiStatus`, even a 422 that failed closed) or the action says
 * the finalizer was removed.
 */
function patchSent(d: Decision): JsonPatchOp[] | null {
  if (d.apiStatus === undefined && d.action !== 'removed') return null;
  return d.patch ?? null;
}

/** Records are scrubbed when built: whatever reached the decision, no secret reaches the bucket. */
export function decisionRecord(decision: Decision, recordedAt: string): AuditRecord {
  return AuditRecord.parse(
    redact({
      schemaVersion: 1,
      kind: 'decision',
      decision,
      patchSent: patchSent(decision),
      apiOutcome: { ...(decision.apiStatus !== undefined ? { status: decision.apiStatus } : {}), outcome: decision.outcome },
      snapshotDigest: decision.snapshotDigest ?? null,
      evidenceKey: decision.evidenceKey ?? null,
      evidenceSha256: decision.evidenceSha256 ?? null,
      intentKey: decision.intentKey ?? null,
      recordedAt,
    }),
  );
}

export function rejectedRecord(rejected: SignalRejected, recordedAt: string): RejectedSignalRecord {
  return RejectedSignalRecord.parse(redact({ schemaVersion: 1, kind: 'signal-rejected', rejected, recordedAt }));
}

export function systemicRecord(alert: SystemicAlert, recordedAt: string): SystemicAlertRecord {
  return SystemicAlertRecord.parse(redact({ schemaVersion: 1, kind: 'systemic-alert', alert, recordedAt }));
}

