import { PutObjectCommand, type S3Client, type ServerSideEncryption } from '@aws-sdk/client-s3';

/**
 * A conditional write lost: 412 PreconditionFailed (the object exists, or its ETag moved on) or 409
 * ConditionalRequestConflict (another conditional write of the same key is in flight).
 */
export function isConditionalWriteFailure(err: unknown): boolean {
  const e = err as { name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  const name = e?.name ?? e?.Code;
  const status = e?.$metadata?.httpStatusCode;
  return name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || status === 412 || status === 409;
}

export function isNotFound(err: unknown): boolean {
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** SSE-KMS with the configured key, else SSE-S3: records are encrypted at rest either way. */
export function encryptionParams(kmsKeyId: string | undefined): {
  ServerSideEncryption: ServerSideEncryption;
  SSEKMSKeyId?: string;
} {
  return kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId } : { ServerSideEncryption: 'AES256' };
}

/**
 * PutObject with `If-None-Match: *`: S3 refuses to replace an existing key. 412 means the object is already
 * there; 409 means a concurrent write of the same key is in flight, and if that one fails its own caller
 * retries. Both are 'duplicate'; any other failure propagates.
 */
export async function putJsonOnce(
  client: S3Client,
  o: { bucket: string; key: string; body: string; kmsKeyId?: string | undefined },
): Promise<'written' | 'duplicate'> {
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: o.bucket,
        Key: o.key,
        Body: o.body,
        ContentType: 'application/json',
        IfNoneMatch: '*',
        ...encryptionParams(o.kmsKeyId),
      }),
    );
    return 'written';
  } catch (err) {
    if (isConditionalWriteFailure(err)) return 'duplicate';
    throw err;
  }
}
