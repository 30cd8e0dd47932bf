import type { S3Objects } from '../aws/s3-objects.js';
import * as z from 'zod';
import { FileAuditSink } from './file-sink.js';
import { S3AuditSink } from './s3-sink.js';
import type { AuditSink } from './sink.js';
import { optionalEnv } from '../config/env.js';

const opt = optionalEnv;

export const AuditEnv = z.object({
  AUDIT_BUCKET: opt(z.string().min(3)),
  AUDIT_KMS_KEY_ID: opt(z.string().min(1)),
  /** Local runs without S3: the same layout under a directory. */
  AUDIT_DIR: opt(z.string().min(1)),
});

export class AuditConfigError extends Error {
  override readonly name = 'AuditConfigError';
}

/** `s3` builds the bucket's transport only when the bucket is the sink: `sdkS3Objects`, or interact's signed HTTP. */
export function auditSinkFromEnv(env: NodeJS.ProcessEnv, s3: () => S3Objects): AuditSink {
  const r = AuditEnv.safeParse(env);
  if (!r.success) throw new AuditConfigError(`audit configuration: ${z.prettifyError(r.error)}`);
  const cfg = r.data;
  if (cfg.AUDIT_BUCKET) return new S3AuditSink({ objects: s3(), bucket: cfg.AUDIT_BUCKET, kmsKeyId: cfg.AUDIT_KMS_KEY_ID });
  if (cfg.AUDIT_DIR) return new FileAuditSink(cfg.AUDIT_DIR);
  throw new AuditConfigError('audit configuration: set AUDIT_BUCKET (or AUDIT_DIR locally)');
}
