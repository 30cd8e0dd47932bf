import * as z from 'zod';
import { ApprovalEvent } from '../domain/approval.js';
import { redact } from '../observability/redact.js';

/**
 * A click refused or recorded at the function URL, or an approval's outcome in evaluate (src/interact/README.md).
 * Apart from the other records so interact, which writes only these, does not build the decision schemas at load.
 */
export const ApprovalAuditRecord = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('approval'),
  approval: ApprovalEvent,
  recordedAt: z.iso.datetime({ offset: true }),
});
export type ApprovalAuditRecord = z.infer<typeof ApprovalAuditRecord>;

export function approvalRecord(approval: ApprovalEvent, recordedAt: string): ApprovalAuditRecord {
  return ApprovalAuditRecord.parse(redact({ schemaVersion: 1, kind: 'approval', approval, recordedAt }));
}
