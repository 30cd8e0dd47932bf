import { parseEventDetail, type RemediatorEvent } from '../domain/alerts.js';
import { type AnyAuditRecord, approvalRecord, auditKey, decisionRecord, rejectedRecord, systemicRecord } from './record.js';
import type { AuditSink } from './sink.js';

export interface AuditDeps {
  sink: AuditSink;
  now?: () => Date;
}

export interface AuditOutcome {
  kind: AnyAuditRecord['kind'];
  key: string;
  result: 'written' | 'duplicate';
}

export function recordFor(event: RemediatorEvent, recordedAt: string): AnyAuditRecord {
  switch (event.kind) {
    case 'decision':
      return decisionRecord(event.detail, recordedAt);
    case 'signal-rejected':
      return rejectedRecord(event.detail, recordedAt);
    case 'systemic-alert':
      return systemicRecord(event.detail, recordedAt);
    case 'approval':
      return approvalRecord(event.detail, recordedAt);
  }
}

/**
 * The audit use case, callable without Lambda: validates the detail for its detail-type (InvalidEventError when
 * it cannot be valid), builds the scrubbed record and writes it once.
 */
export async function auditEvent(detailType: string, detail: unknown, deps: AuditDeps): Promise<AuditOutcome> {
  const event = parseEventDetail(detailType, detail);
  const rec = recordFor(event, (deps.now?.() ?? new Date()).toISOString());
  const result = await deps.sink.record(rec);
  return { kind: rec.kind, key: auditKey(rec), result };
}
