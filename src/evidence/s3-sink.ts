import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { conditionalPut, encryptionParams, isNotFound } from '../audit/s3-conditional.js';
import { assertRelativeKey, type EvidenceSink } from './sink.js';

export interface S3EvidenceSinkOptions {
  client: S3Client;
  bucket: string;
  kmsKeyId?: string | undefined;
}

/**
 * PutObject with `If-None-Match: *` into the audit bucket (the project's one conditional put). Only a 412
 * means "already stored"; a 409 that persists is a failure like any other, so the caller does not act on a
 * bundle that may never be stored (README "Audit log").
 */
export class S3EvidenceSink implements EvidenceSink {
  constructor(private readonly o: S3EvidenceSinkOptions) {}

  get location(): string {
    return `s3://${this.o.bucket}`;
  }

  async putIfAbsent(key: string, body: Buffer, contentType: string): Promise<'written' | 'duplicate'> {
    const outcome = await conditionalPut(this.o.client, {
      Bucket: this.o.bucket,
      Key: assertRelativeKey(key),
      Body: body,
      ContentType: contentType,
      IfNoneMatch: '*',
      ...encryptionParams(this.o.kmsKeyId),
    });
    return outcome === 'written' ? 'written' : 'duplicate';
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const out = await this.o.client.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: assertRelativeKey(key) }));
      return out.Body ? Buffer.from(await out.Body.transformToByteArray()) : Buffer.alloc(0);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}
