import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FOLDER_MARKER_FILE, FolderBucket } from '../../../src/buckets/folder-bucket.js';

describe('FolderBucket', () => {
  let root: string;
  let bucket: FolderBucket;
  const ref = { bucket: 'argo-artifacts' };
  const put = async (key: string, body = 'x') => {
    const path = key.endsWith('/') ? join(root, ref.bucket, key, FOLDER_MARKER_FILE) : join(root, ref.bucket, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'afr-folder-bucket-'));
    await mkdir(join(root, ref.bucket));
    bucket = new FolderBucket(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('answers head and list as S3 would, folder markers included', async () => {
    await put('wf-1/dir/');
    await put('wf-1/dir/a.txt', 'aa');
    await put('wf-10/b.txt');
    expect(await bucket.head(ref, 'wf-1/dir/a.txt')).toEqual({
      state: 'present',
      truncated: false,
      objects: [{ key: 'wf-1/dir/a.txt', size: 2, etag: '"4124bc0a9335c27f086f24ba207a4912"' }],
    });
    expect(await bucket.head(ref, 'wf-1/dir/none')).toEqual({ state: 'absent', evidence: 'HeadObject 404' });
    const listed = await bucket.list(ref, 'wf-1/');
    expect(listed.state === 'present' && listed.objects.map((o) => o.key)).toEqual(['wf-1/dir/', 'wf-1/dir/a.txt']);
    expect(await bucket.list(ref, 'wf-2/')).toEqual({ state: 'absent', evidence: 'ListObjectsV2 KeyCount 0' });
  });

  it('says unknown for a missing bucket and for keys a folder cannot hold', async () => {
    expect((await bucket.head({ bucket: 'nope' }, 'k')).state).toBe('unknown');
    expect((await bucket.list({ bucket: 'nope' }, 'k/')).state).toBe('unknown');
    expect((await bucket.head(ref, '../escape')).state).toBe('unknown');
    expect((await bucket.delete(ref, ['../escape'])).failed).toHaveLength(1);
  });

  it('deletes objects and markers, and a missing key deletes fine', async () => {
    await put('wf-1/dir/');
    await put('wf-1/dir/a.txt');
    const report = await bucket.delete(ref, ['wf-1/dir/', 'wf-1/dir/a.txt', 'wf-1/never']);
    expect(report.deleted.map((d) => d.key)).toEqual(['wf-1/dir/', 'wf-1/dir/a.txt', 'wf-1/never']);
    expect(await bucket.list(ref, 'wf-1/')).toMatchObject({ state: 'absent' });
    expect(await readdir(join(root, ref.bucket, 'wf-1', 'dir'))).toEqual([]);
  });
});
