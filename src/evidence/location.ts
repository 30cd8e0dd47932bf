/** Where the configuration puts evidence: read without loading any adapter (src/runtime/aws.ts builds them lazily). */
export interface EvidenceLocation {
  bucket?: string | undefined;
  kmsKeyId?: string | undefined;
  localDir?: string | undefined;
}

export type EvidenceTarget =
  | { kind: 's3'; bucket: string; kmsKeyId: string | undefined; location: string }
  | { kind: 'folder'; dir: string; location: string }
  | { kind: 'nowhere'; location: 'nowhere' };

/** The audit bucket (the configuration's `audit` section wins over AUDIT_BUCKET), else a folder, else nowhere. */
export function evidenceTarget(audit: EvidenceLocation, env: NodeJS.ProcessEnv): EvidenceTarget {
  const bucket = audit.bucket ?? env['AUDIT_BUCKET'];
  const dir = audit.localDir ?? env['AUDIT_DIR'];
  if (bucket) return { kind: 's3', bucket, kmsKeyId: audit.kmsKeyId ?? env['AUDIT_KMS_KEY_ID'], location: `s3://${bucket}` };
  if (dir) return { kind: 'folder', dir, location: dir };
  return { kind: 'nowhere', location: 'nowhere' };
}
