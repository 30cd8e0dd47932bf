/**
 * The artifact buckets, as finishing GC (README "Finishing GC") reads and deletes them. One port, two adapters: S3 (the
 * real thing) and a folder (the demo, and anyone trying it without AWS), as the audit sink has.
 *
 * Absence is a strong claim: a Workflow's finalizer may be let go on it. So `absent` comes only from what S3 says
 * when the caller may list the bucket: `HeadObject` 404 in a bucket that exists, or `ListObjectsV2` with
 * `KeyCount: 0`. A 403, a timeout, a wrong region, a missing bucket or anything else is `unknown`, never absent.
 */
export interface StoredObject {
  key: string;
  size: number;
  etag?: string;
}

export type Presence =
  | { state: 'present'; objects: StoredObject[]; /** more objects than were listed */ truncated: boolean }
  | { state: 'absent'; evidence: 'HeadObject 404' | 'ListObjectsV2 KeyCount 0' }
  | { state: 'unknown'; reason: string };

export interface BucketRef {
  bucket: string;
  /** The bucket's region when configured; otherwise the adapter's default. */
  region?: string | undefined;
}

export interface DeletedObject {
  key: string;
  /** Set on a versioned bucket: the delete marker S3 created (no version is ever removed). */
  deleteMarkerVersionId?: string;
}

export interface DeleteFailure {
  key: string;
  code: string;
  message: string;
}

export interface DeleteReport {
  deleted: DeletedObject[];
  /** Keys S3 refused, and keys never sent because an earlier batch failed outright. */
  failed: DeleteFailure[];
  /** DeleteObjects calls made. */
  requests: number;
}

export interface BucketPort {
  /** One object. */
  head(ref: BucketRef, key: string): Promise<Presence>;
  /** Everything under a prefix, folder markers (keys ending in `/`) included; at most `maxKeys` listed. */
  list(ref: BucketRef, prefix: string, opts?: { maxKeys?: number }): Promise<Presence>;
  /** Current objects by key, in batches; never a version (no `DeleteObjectVersion`, no `VersionId`). */
  delete(ref: BucketRef, keys: readonly string[]): Promise<DeleteReport>;
}

/** DeleteObjects takes at most 1,000 keys a request. */
export const DELETE_BATCH = 1000;
/** A bound on one listing: a prefix with more objects than this is reported truncated, never guessed at. */
export const DEFAULT_MAX_LIST_KEYS = 10_000;
