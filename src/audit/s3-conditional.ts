import { setTimeout as sleep } from 'node:timers/promises';
import { PutObjectCommand, type PutObjectCommandInput, type S3Client, type ServerSideEncryption } from '@aws-sdk/client-s3';
import type { S3Objects } from '../aws/s3-objects.js';
import { type Backoff, backoffDelay } from '../retry/backoff.js';

interface S3Failure {
  name?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function errorCode(err: unknown): unknown {
  const e = err as S3Failure | null;
  return e?.name ?? e?.Code;
}

function httpStatus(err: unknown): unknown {
  return (err as S3Failure | null)?.$metadata?.httpStatusCode;
}

/**
 * 412 PreconditionFailed: the condition was judged and did not hold (If-None-Match: the key exists; If-Match:
 * its ETag moved on). The only answer that means another write of the key won.
 */
export function isPreconditionFailed(err: unknown): boolean {
  return errorCode(err) === 'PreconditionFailed' || httpStatus(err) === 412;
}

/**
 * 409 ConditionalRequestConflict (a conflicting write or delete of the key was in flight) or OperationAborted
 * (a conflicting conditional operation is in progress): nothing was judged, and S3's PutObject reference
 * says to retry. Not "already written": the write in flight may itself fail.
 */
export function isConditionalConflict(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ConditionalRequestConflict' || code === 'OperationAborted';
}

export function isNotFound(err: unknown): boolean {
  return errorCode(err) === 'NoSuchKey' || errorCode(err) === 'NotFound' || httpStatus(err) === 404;
}

/** SSE-KMS with the configured key, else SSE-S3: records are encrypted at rest either way. */
export function encryptionParams(kmsKeyId: string | undefined): {
  ServerSideEncryption: ServerSideEncryption;
  SSEKMSKeyId?: string;
} {
  return kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId } : { ServerSideEncryption: 'AES256' };
}

export interface ConflictRetry {
  /** Attempts in all, the first included. */
  attempts: number;
  backoff: Backoff;
  sleep: (ms: number) => Promise<void>;
}

/** A conflict clears when the other request finishes, usually within one round trip. */
export const DEFAULT_CONFLICT_RETRY: ConflictRetry = { attempts: 4, backoff: { baseMs: 100, capMs: 1_000 }, sleep };

/**
 * PutObject with its condition (If-None-Match, If-Match, or none). `precondition-failed` is the 412; a 409
 * conflict is retried with backoff and, if it persists, thrown like any other failure, so the caller's
 * event is retried and then dead-lettered rather than counted as done.
 */
export function conditionalPut(
  client: S3Client,
  input: PutObjectCommandInput,
  retry: ConflictRetry = DEFAULT_CONFLICT_RETRY,
): Promise<'written' | 'precondition-failed'> {
  return conditionally(() => client.send(new PutObjectCommand(input)), retry);
}

/** The 412 and 409 rules around one put, whatever carries it (the SDK's client, or src/aws-http). */
async function conditionally(put: () => Promise<unknown>, retry: ConflictRetry): Promise<'written' | 'precondition-failed'> {
  for (let attempt = 1; ; attempt++) {
    try {
      await put();
      return 'written';
    } catch (err) {
      if (isPreconditionFailed(err)) return 'precondition-failed';
      if (!isConditionalConflict(err) || attempt >= retry.attempts) throw err;
      await retry.sleep(backoffDelay(attempt - 1, retry.backoff));
    }
  }
}

/**
 * A write-once JSON object: PutObject with `If-None-Match: *`, so S3 refuses to replace an existing key.
 * `duplicate` is the 412 (the object is already there); a 409 is retried, never a duplicate. `objects` is the
 * SDK's client or interact's signed HTTP (src/aws/s3-objects.ts).
 */
export async function putJsonOnce(
  objects: S3Objects,
  o: { bucket: string; key: string; body: string; kmsKeyId?: string | undefined },
  retry: ConflictRetry = DEFAULT_CONFLICT_RETRY,
): Promise<'written' | 'duplicate'> {
  const input = { Bucket: o.bucket, Key: o.key, Body: o.body, ContentType: 'application/json', IfNoneMatch: '*', ...encryptionParams(o.kmsKeyId) };
  const outcome = await conditionally(() => objects.put(input), retry);
  return outcome === 'written' ? 'written' : 'duplicate';
}
