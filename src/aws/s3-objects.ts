import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client, type ServerSideEncryption } from '@aws-sdk/client-s3';
import { isNotFound } from '../audit/s3-conditional.js';

/** What the write-once stores put: a JSON text, with its condition and encryption. */
export interface S3PutInput {
  Bucket: string;
  Key: string;
  Body: string;
  ContentType?: string;
  IfNoneMatch?: string;
  IfMatch?: string;
  ServerSideEncryption?: ServerSideEncryption;
  SSEKMSKeyId?: string;
}

/**
 * The S3 calls of the approval store and the audit sink, whatever carries them: the SDK's client (sdkS3Objects,
 * every function but interact) or signed HTTP (src/aws-http, interact's cold start). Failures are thrown as the
 * SDK throws them (`name` the AWS code, `$metadata.httpStatusCode`), so the 412/409/404 rules read both.
 */
export interface S3Objects {
  put(input: S3PutInput): Promise<void>;
  /** The object's text; undefined when there is no such key. */
  getText(bucket: string, key: string): Promise<string | undefined>;
  /** One page of keys under the prefix; `next` is the continuation token when there are more. */
  listKeys(bucket: string, prefix: string, continuationToken?: string): Promise<{ keys: string[]; next?: string }>;
}

export function sdkS3Objects(client: S3Client): S3Objects {
  return {
    async put(input) {
      await client.send(new PutObjectCommand(input));
    },
    async getText(bucket, key) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return (await res.Body?.transformToString()) ?? '';
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async listKeys(bucket, prefix, continuationToken) {
      const res = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: continuationToken }));
      const keys = (res.Contents ?? []).map((o) => o.Key!);
      return { keys, ...(res.IsTruncated && res.NextContinuationToken ? { next: res.NextContinuationToken } : {}) };
    },
  };
}
