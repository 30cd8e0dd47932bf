import type { S3Objects } from '../aws/s3-objects.js';
import { auditKey } from './key.js';
import type { AnyAuditRecord } from './record.js';
import { type ConflictRetry, putJsonOnce } from './s3-conditional.js';
import type { AuditSink } from './sink.js';

export interface S3AuditSinkOptions {
  /** `sdkS3Objects(client)`, or interact's signed HTTP (src/aws-http). */
  objects: S3Objects;
  bucket: string;
  kmsKeyId?: string | undefined;
  conflictRetry?: ConflictRetry;
}

/**
 * Write-once records: a retried event cannot overwrite the first record. A 412 means the record is already
 * there (success). A 409 means a concurrent write of the key is in flight and may yet fail: it is retried,
 * and never taken for "already written".
 */
export class S3AuditSink implements AuditSink {
  constructor(private readonly o: S3AuditSinkOptions) {}

  record(rec: AnyAuditRecord): Promise<'written' | 'duplicate'> {
    return putJsonOnce(this.o.objects, { bucket: this.o.bucket, key: auditKey(rec), body: JSON.stringify(rec), kmsKeyId: this.o.kmsKeyId }, this.o.conflictRetry);
  }
}
