import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type AnyAuditRecord, auditKey } from './record.js';
import { encryptionParams, isConditionalWriteFailure } from './s3-conditional.js';
import type { AuditSink } from './sink.js';

export interface S3AuditSinkOptions {
  client: S3Client;
  bucket: string;
  kmsKeyId?: string | undefined;
}

/**
 * PutObject with `If-None-Match: *`: S3 refuses to replace an existing key, so a retried event cannot
 * overwrite the first record. 412 means the record is already there (success); 409 means a concurrent write
 * of the same key (same decisionId, same content) is in flight, and if that one fails its own invocation
 * retries, so this one can stand down.
 */
export class S3AuditSink implements AuditSink {
  constructor(private readonly o: S3AuditSinkOptions) {}

  async record(rec: AnyAuditRecord): Promise<'written' | 'duplicate'> {
    try {
      await this.o.client.send(
        new PutObjectCommand({
          Bucket: this.o.bucket,
          Key: auditKey(rec),
          Body: JSON.stringify(rec),
          ContentType: 'application/json',
          IfNoneMatch: '*',
          ...encryptionParams(this.o.kmsKeyId),
        }),
      );
      return 'written';
    } catch (err) {
      if (isConditionalWriteFailure(err)) return 'duplicate';
      throw err;
    }
  }
}
