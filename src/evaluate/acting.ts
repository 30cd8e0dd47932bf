// What evaluate runs only when it acts or is asked to: the evidence step before a removal, recovery from the
// intent record, finishing GC and approvals. Reached only through the import() in evaluate-batch.ts, so the
// deployed bundle carries it as a chunk (serverless.yml: splitting) that an evaluation which only notifies never
// loads, like the S3 side it calls (src/runtime/aws-s3.ts).
export { recoverRemovals } from '../evidence/recover.js';
export { removalEvidenceStep } from '../evidence/removal-step.js';
export { finishAfterNotify, FinishingBudgets } from '../finishing/after-notify.js';
export { handleApproval } from './approval.js';
