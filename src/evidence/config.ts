import { S3Client } from '@aws-sdk/client-s3';
import { FolderEvidenceSink } from './folder-sink.js';
import { S3EvidenceSink } from './s3-sink.js';
import { type EvidenceLocation, evidenceTarget } from './location.js';
import type { EvidenceSink } from './sink.js';

export type { EvidenceLocation } from './location.js';

/** Nowhere to write: every write fails, so nothing destructive can happen (the record fails, then the DLQ). */
class UnconfiguredEvidenceSink implements EvidenceSink {
  readonly location = 'nowhere';
  async putIfAbsent(): Promise<never> {
    throw new Error('no audit bucket is configured (audit.bucket or AUDIT_BUCKET; audit.localDir or AUDIT_DIR locally), so no evidence can be stored');
  }
  async get(): Promise<undefined> {
    return undefined;
  }
  async list(): Promise<string[]> {
    return [];
  }
}

/**
 * S3 requests are bounded so a stalled bucket fails the record well inside the function's timeout rather than
 * hanging it; the SDK's own retries (3 attempts) cover a passing 5xx. Without throwOnRequestTimeout the
 * current @smithy/node-http-handler only logs a warning when requestTimeout passes and keeps waiting.
 */
export const EVIDENCE_S3_TIMEOUTS = { requestTimeout: 5_000, connectionTimeout: 2_000, throwOnRequestTimeout: true } as const;

/** The sink for `evidenceTarget`: the audit bucket, else a folder, else one refusing every write. */
export function evidenceSinkFor(
  audit: EvidenceLocation,
  env: NodeJS.ProcessEnv,
  s3: () => S3Client = () => new S3Client({ requestHandler: EVIDENCE_S3_TIMEOUTS, maxAttempts: 3 }),
): EvidenceSink {
  const target = evidenceTarget(audit, env);
  if (target.kind === 's3') return new S3EvidenceSink({ client: s3(), bucket: target.bucket, kmsKeyId: target.kmsKeyId });
  if (target.kind === 'folder') return new FolderEvidenceSink(target.dir);
  return new UnconfiguredEvidenceSink();
}
