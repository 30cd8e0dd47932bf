import type { S3Objects } from '../aws/s3-objects.js';
import type { RemediatorConfig } from '../config/schema.js';
import { FileApprovalStore } from './file-store.js';
import { S3ApprovalStore } from './s3-store.js';
import type { ApprovalStore } from './store.js';

/**
 * The approval store interact writes and evaluate reads: the audit bucket (or its local folder), chosen the same
 * way by both, so a click and its action always meet. Throws when neither is configured.
 */
export function approvalStoreFor(config: RemediatorConfig, env: NodeJS.ProcessEnv, s3: () => S3Objects, who: string): ApprovalStore {
  const bucket = config.audit.bucket ?? env['AUDIT_BUCKET'];
  const dir = config.audit.localDir ?? env['AUDIT_DIR'];
  if (bucket) return new S3ApprovalStore({ objects: s3(), bucket, kmsKeyId: config.audit.kmsKeyId ?? env['AUDIT_KMS_KEY_ID'] });
  if (dir) return new FileApprovalStore(dir);
  throw new Error(`${who}: set AUDIT_BUCKET (or AUDIT_DIR locally) for the approval store`);
}
