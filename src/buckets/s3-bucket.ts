import {
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { DEFAULT_MAX_LIST_KEYS, DELETE_BATCH, type BucketPort, type BucketRef, type DeleteReport, type Presence, type StoredObject } from './port.js';

export interface S3BucketOptions {
  /** Base client configuration (credentials, endpoint for tests); the region is set per bucket. */
  clientConfig?: S3ClientConfig;
  /** Region for buckets whose configuration names none. */
  defaultRegion: string;
  /** Per request; a slower answer is "unknown" for reads, a failure for deletes. */
  requestTimeoutMs?: number;
}

/**
 * The S3 adapter. One client per region; region redirects are not followed, because a bucket that is not where
 * the configuration says must read as "unknown" rather than be found somewhere else. The SDK's standard retries
 * (3 attempts, throttling included) apply to every call.
 */
export class S3Bucket implements BucketPort {
  private readonly clients = new Map<string, S3Client>();
  /** Per bucket, once proven to exist: a 404 from HeadObject means "no such key" only in a bucket that exists. */
  private readonly buckets = new Map<string, Promise<Presence | undefined>>();

  constructor(private readonly o: S3BucketOptions) {}

  async head(ref: BucketRef, key: string): Promise<Presence> {
    try {
      const out = await this.client(ref).send(new HeadObjectCommand({ Bucket: ref.bucket, Key: key }));
      return { state: 'present', truncated: false, objects: [object(key, out.ContentLength, out.ETag)] };
    } catch (err) {
      if (status(err) !== 404) return unknown(err, 'HeadObject');
      // A HEAD has no body: a 404 does not say whether the key or the bucket is missing.
      const bucket = await this.bucketExists(ref, key);
      return bucket ?? { state: 'absent', evidence: 'HeadObject 404' };
    }
  }

  async list(ref: BucketRef, prefix: string, opts: { maxKeys?: number } = {}): Promise<Presence> {
    const max = opts.maxKeys ?? DEFAULT_MAX_LIST_KEYS;
    const objects: StoredObject[] = [];
    let token: string | undefined;
    try {
      do {
        const out = await this.client(ref).send(
          new ListObjectsV2Command({
            Bucket: ref.bucket,
            Prefix: prefix,
            MaxKeys: Math.min(1000, max - objects.length),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        if (objects.length === 0 && !token && (out.KeyCount ?? 0) === 0 && !out.IsTruncated) {
          return { state: 'absent', evidence: 'ListObjectsV2 KeyCount 0' };
        }
        for (const c of out.Contents ?? []) if (c.Key !== undefined) objects.push(object(c.Key, c.Size, c.ETag));
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token && objects.length < max);
    } catch (err) {
      return unknown(err, 'ListObjectsV2');
    }
    return { state: 'present', objects, truncated: token !== undefined };
  }

  async delete(ref: BucketRef, keys: readonly string[]): Promise<DeleteReport> {
    const report: DeleteReport = { deleted: [], failed: [], requests: 0 };
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      try {
        report.requests++;
        const out = await this.client(ref).send(
          new DeleteObjectsCommand({
            Bucket: ref.bucket,
            // Keys only, never a VersionId: on a versioned bucket S3 adds a delete marker and keeps every version.
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: false },
          }),
        );
        for (const d of out.Deleted ?? []) {
          if (d.Key === undefined) continue;
          report.deleted.push({ key: d.Key, ...(d.DeleteMarker && d.DeleteMarkerVersionId ? { deleteMarkerVersionId: d.DeleteMarkerVersionId } : {}) });
        }
        for (const e of out.Errors ?? []) {
          report.failed.push({ key: e.Key ?? '', code: e.Code ?? 'Unknown', message: e.Message ?? '' });
        }
      } catch (err) {
        // Nothing after a failed batch is sent: the action stops, and the redelivered record picks up from what
        // the bucket then holds.
        const code = codeOf(err);
        const message = (err as Error).message ?? String(err);
        for (const key of keys.slice(i)) report.failed.push({ key, code, message });
        break;
      }
    }
    return report;
  }

  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }

  /**
   * Proves the bucket exists with a one-key listing under the key itself rather than HeadBucket: the IAM policy
   * grants s3:ListBucket only with an s3:prefix condition (serverless.yml), which a HeadBucket (no prefix) fails.
   */
  private bucketExists(ref: BucketRef, key: string): Promise<Presence | undefined> {
    const id = `${ref.region ?? ''}/${ref.bucket}`;
    let known = this.buckets.get(id);
    if (!known) {
      known = this.client(ref)
        .send(new ListObjectsV2Command({ Bucket: ref.bucket, Prefix: key, MaxKeys: 1 }))
        .then(
          () => undefined,
          (err: unknown): Presence => unknown(err, 'ListObjectsV2 (bucket check)'),
        );
      // Only "it exists" is kept: a failure is asked again next time.
      void known.then((r) => r !== undefined && this.buckets.delete(id));
      this.buckets.set(id, known);
    }
    return known;
  }

  private client(ref: BucketRef): S3Client {
    const region = ref.region ?? this.o.defaultRegion;
    let c = this.clients.get(region);
    if (!c) {
      const timeout = this.o.requestTimeoutMs ?? 10_000;
      c = new S3Client({
        maxAttempts: 3,
        ...this.o.clientConfig,
        region,
        followRegionRedirects: false,
        // Without throwOnRequestTimeout the handler only warns and the call waits on forever.
        requestHandler: { requestTimeout: timeout, connectionTimeout: Math.min(timeout, 3_000), throwOnRequestTimeout: true },
      });
      this.clients.set(region, c);
    }
    return c;
  }
}

function object(key: string, size: number | undefined, etag: string | undefined): StoredObject {
  return { key, size: size ?? 0, ...(etag ? { etag } : {}) };
}

function status(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

function codeOf(err: unknown): string {
  const e = err as { name?: string; Code?: string; code?: string } | null;
  return e?.Code ?? e?.name ?? e?.code ?? 'Error';
}

/** Why a read proves nothing; the wording says what to fix. */
function unknown(err: unknown, call: string): Presence {
  const code = status(err);
  const name = codeOf(err);
  if (code === 403) return { state: 'unknown', reason: `${call} 403 ${name}: not allowed to read (s3:GetObject and s3:ListBucket are both needed to tell "absent" from "hidden")` };
  if (code === 301 || name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || name === 'IllegalLocationConstraintException') {
    return { state: 'unknown', reason: `${call}: the bucket is in another region than configured (${name})` };
  }
  if (name === 'NoSuchBucket') return { state: 'unknown', reason: `${call}: the bucket does not exist (NoSuchBucket)` };
  if (name === 'TimeoutError' || name === 'RequestTimeout' || /timed? ?out/i.test((err as Error)?.message ?? '')) {
    return { state: 'unknown', reason: `${call}: no answer in time (${name})` };
  }
  return { state: 'unknown', reason: `${call} failed: ${code ? `HTTP ${code} ` : ''}${name}` };
}
