import type { AnyAuditRecord } from './record.js';

/**
 * Where audit records go. Write-once: a second write of the same key (a retried event) is a success that
 * changes nothing, so a retry can never overwrite or duplicate a record.
 */
export interface AuditSink {
  record(rec: AnyAuditRecord): Promise<'written' | 'duplicate'>;
}
