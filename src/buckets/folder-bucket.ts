import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { DEFAULT_MAX_LIST_KEYS, type BucketPort, type BucketRef, type DeleteReport, type Presence, type StoredObject } from './port.js';

/** A key ending in `/` (a console "folder") is stored as this file inside the folder it names. */
export const FOLDER_MARKER_FILE = '.s3-folder-marker';

/**
 * A folder standing in for S3, for the demo and for trying finishing without AWS: `<root>/<bucket>/<key>`. It
 * answers like S3 where finishing depends on it: a missing bucket is "unknown", a missing key "absent", listing
 * includes folder markers. It has no versions, so deletes never report delete markers.
 */
export class FolderBucket implements BucketPort {
  constructor(readonly root: string) {}

  async head(ref: BucketRef, key: string): Promise<Presence> {
    const bucketDir = await this.bucketDir(ref);
    if (typeof bucketDir !== 'string') return bucketDir;
    const path = fileOf(bucketDir, key);
    if (!path) return { state: 'unknown', reason: `key ${JSON.stringify(key)} cannot be stored in a folder` };
    const found = await describe(path, key);
    return found ? { state: 'present', truncated: false, objects: [found] } : { state: 'absent', evidence: 'HeadObject 404' };
  }

  async list(ref: BucketRef, prefix: string, opts: { maxKeys?: number } = {}): Promise<Presence> {
    const bucketDir = await this.bucketDir(ref);
    if (typeof bucketDir !== 'string') return bucketDir;
    const max = opts.maxKeys ?? DEFAULT_MAX_LIST_KEYS;
    const keys = (await walk(bucketDir)).filter((k) => k.startsWith(prefix)).sort();
    if (keys.length === 0) return { state: 'absent', evidence: 'ListObjectsV2 KeyCount 0' };
    const objects: StoredObject[] = [];
    for (const key of keys.slice(0, max)) {
      const found = await describe(fileOf(bucketDir, key)!, key);
      if (found) objects.push(found);
    }
    return { state: 'present', objects, truncated: keys.length > max };
  }

  async delete(ref: BucketRef, keys: readonly string[]): Promise<DeleteReport> {
    const report: DeleteReport = { deleted: [], failed: [], requests: 0 };
    const bucketDir = await this.bucketDir(ref);
    if (typeof bucketDir !== 'string') {
      for (const key of keys) report.failed.push({ key, code: 'NoSuchBucket', message: bucketDir.state === 'unknown' ? bucketDir.reason : '' });
      return report;
    }
    report.requests = Math.ceil(keys.length / 1000);
    for (const key of keys) {
      const path = fileOf(bucketDir, key);
      if (!path) {
        report.failed.push({ key, code: 'InvalidKey', message: 'key cannot be stored in a folder' });
        continue;
      }
      // Like S3, deleting a key that is not there succeeds.
      await rm(path, { force: true });
      report.deleted.push({ key });
    }
    return report;
  }

  private async bucketDir(ref: BucketRef): Promise<string | Presence> {
    const dir = join(this.root, ref.bucket);
    const st = await stat(dir).catch(() => undefined);
    return st?.isDirectory() ? dir : { state: 'unknown', reason: `bucket ${ref.bucket} does not exist (no folder ${dir})` };
  }
}

function fileOf(bucketDir: string, key: string): string | undefined {
  const segments = key.split('/');
  const folder = key.endsWith('/');
  const parts = folder ? segments.slice(0, -1) : segments;
  if (parts.length === 0 || parts.some((s) => s === '' || s === '.' || s === '..' || s === FOLDER_MARKER_FILE || s.includes(sep))) return undefined;
  return folder ? join(bucketDir, ...parts, FOLDER_MARKER_FILE) : join(bucketDir, ...parts);
}

async function describe(path: string, key: string): Promise<StoredObject | undefined> {
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  const body = await readFile(path);
  return { key, size: st.size, etag: `"${createHash('md5').update(body).digest('hex')}"` };
}

async function walk(dir: string, base = dir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const keys: string[] = [];
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) keys.push(...(await walk(full, base)));
    else if (e.isFile()) {
      const rel = relative(base, full).split(sep).join('/');
      keys.push(e.name === FOLDER_MARKER_FILE ? rel.slice(0, -FOLDER_MARKER_FILE.length) : rel);
    }
  }
  return keys;
}
