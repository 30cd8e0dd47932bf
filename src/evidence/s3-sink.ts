import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
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

  async list(prefix: string, opts: { maxKeys?: number } = {}): Promise<string[]> {
    const max = opts.maxKeys ?? 1000;
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.o.client.send(
        new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: assertRelativeKey(prefix), MaxKeys: Math.min(1000, max - keys.length), ...(token ? { ContinuationToken: token } : {}) }),
      );
      for (const c of out.Contents ?? []) if (c.Key !== undefined) keys.push(c.Key);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token && keys.length < max);
    return keys;
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
