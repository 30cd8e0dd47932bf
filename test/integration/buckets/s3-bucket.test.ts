import { CreateBucketCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { S3Bucket } from '../../../src/buckets/s3-bucket.js';
import { withMoto } from '../../helpers/moto.js';
import { startS3FaultProxy, type S3FaultProxy } from '../../helpers/s3-fault-proxy.js';

// The S3 adapter through the real SDK against moto_server; the errors moto cannot produce (403, 503 SlowDown,
// 301 wrong region, no answer) come from a loopback proxy in front of it (test/helpers/s3-fault-proxy.ts).
describe('S3Bucket against moto_server', () => {
  const fx = withMoto();
  let proxy: S3FaultProxy;
  let admin: S3Client;
  let bucket: S3Bucket;
  const ref = { bucket: 'argo-artifacts' };

  beforeAll(async () => {
    proxy = await startS3FaultProxy(fx.moto.endpoint);
  });
  afterAll(async () => {
    bucket?.destroy();
    admin?.destroy();
    await proxy?.close();
  });
  beforeEach(async () => {
    proxy.clear();
    await fx.moto.reset();
    admin?.destroy();
    admin = new S3Client(fx.moto.clientConfig);
    await admin.send(new CreateBucketCommand({ Bucket: ref.bucket }));
    bucket?.destroy();
    bucket = new S3Bucket({ clientConfig: { ...fx.moto.clientConfig, endpoint: proxy.endpoint }, defaultRegion: fx.moto.region, requestTimeoutMs: 1500 });
  });

  const put = (Key: string, Body = 'x', Bucket = ref.bucket) => admin.send(new PutObjectCommand({ Bucket, Key, Body }));
  const putAll = async (keys: string[]) => {
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((k) => put(k)));
  };

  it('heads a present object with size and ETag, and an absent one as HeadObject 404', async () => {
    await put('wf-1/pod/out.tgz', 'hello');
    const present = await bucket.head(ref, 'wf-1/pod/out.tgz');
    expect(present).toMatchObject({ state: 'present', objects: [{ key: 'wf-1/pod/out.tgz', size: 5 }] });
    expect(present.state === 'present' && present.objects[0]!.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await bucket.head(ref, 'wf-1/pod/missing.tgz')).toEqual({ state: 'absent', evidence: 'HeadObject 404' });
  });

  it('never reads a missing bucket as absent: HeadObject 404 is checked with a listing under the key', async () => {
    const r = await bucket.head({ bucket: 'no-such-bucket' }, 'k');
    expect(r).toMatchObject({ state: 'unknown' });
    expect(r.state === 'unknown' && r.reason).toContain('does not exist');
    expect((await bucket.list({ bucket: 'no-such-bucket' }, 'k/')).state).toBe('unknown');
  });

  it('lists a prefix with its folder markers, and an empty prefix as KeyCount 0', async () => {
    await put('wf-1/dir/');
    await put('wf-1/dir/a.txt', 'aa');
    await put('wf-1/dir/sub/b.txt', 'bbb');
    await put('wf-10/dir/c.txt');
    const listed = await bucket.list(ref, 'wf-1/dir/');
    expect(listed).toMatchObject({ state: 'present', truncated: false });
    expect(listed.state === 'present' && listed.objects.map((o) => [o.key, o.size])).toEqual([
      ['wf-1/dir/', 1],
      ['wf-1/dir/a.txt', 2],
      ['wf-1/dir/sub/b.txt', 3],
    ]);
    expect(await bucket.list(ref, 'wf-2/')).toEqual({ state: 'absent', evidence: 'ListObjectsV2 KeyCount 0' });
  });

  it('pages a listing and stops at maxKeys, saying it is truncated', async () => {
    for (let i = 0; i < 25; i++) await put(`wf-1/many/${String(i).padStart(2, '0')}`);
    const all = await bucket.list(ref, 'wf-1/many/');
    expect(all.state === 'present' && all.objects.length).toBe(25);
    const some = await bucket.list(ref, 'wf-1/many/', { maxKeys: 10 });
    expect(some).toMatchObject({ state: 'present', truncated: true });
    expect(some.state === 'present' && some.objects.length).toBe(10);
  });

  it('deletes in batches of 1,000 and the objects are gone', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `wf-1/big/${i}`);
    await putAll(keys);
    const report = await bucket.delete(ref, keys);
    expect(report.requests).toBe(2);
    expect(report.failed).toEqual([]);
    expect(report.deleted).toHaveLength(1005);
    expect(await bucket.list(ref, 'wf-1/big/')).toEqual({ state: 'absent', evidence: 'ListObjectsV2 KeyCount 0' });
    const posts = proxy.requests.filter((r) => r.method === 'POST' && r.url.includes('delete'));
    expect(posts).toHaveLength(2);
  });

  it('on a versioned bucket adds delete markers, records them, and keeps every version', async () => {
    await admin.send(new PutBucketVersioningCommand({ Bucket: ref.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await put('wf-1/v/out.tgz', 'one');
    await put('wf-1/v/out.tgz', 'two');
    const report = await bucket.delete(ref, ['wf-1/v/out.tgz']);
    expect(report.deleted).toHaveLength(1);
    expect(report.deleted[0]!.deleteMarkerVersionId).toMatch(/.+/);
    expect(await bucket.head(ref, 'wf-1/v/out.tgz')).toEqual({ state: 'absent', evidence: 'HeadObject 404' });
    const versions = await admin.send(new ListObjectVersionsCommand({ Bucket: ref.bucket, Prefix: 'wf-1/v/' }));
    expect(versions.Versions).toHaveLength(2);
    expect(versions.DeleteMarkers).toHaveLength(1);
    // Only DeleteObjects went out, and never with a versionId.
    const writes = proxy.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
    expect(writes.every((r) => r.method === 'POST' && r.url.includes('delete') && !r.url.includes('versionId'))).toBe(true);
  });

  it('reads a 403 as unknown, never absent', async () => {
    await put('wf-1/x');
    proxy.add({ method: 'HEAD', match: /wf-1/, status: 403, code: 'AccessDenied' });
    proxy.add({ method: 'GET', match: /list-type=2/, status: 403, code: 'AccessDenied' });
    const head = await bucket.head(ref, 'wf-1/gone');
    expect(head).toMatchObject({ state: 'unknown' });
    expect(head.state === 'unknown' && head.reason).toContain('403');
    expect((await bucket.list(ref, 'wf-1/')).state).toBe('unknown');
  });

  it('a 403 on the bucket check after a 404 keeps it unknown (no s3:ListBucket)', async () => {
    proxy.add({ method: 'GET', match: /list-type=2/, status: 403, code: 'AccessDenied' });
    expect((await bucket.head(ref, 'wf-1/gone')).state).toBe('unknown');
  });

  it('reads a wrong region (301) and a timeout as unknown', async () => {
    proxy.add({ method: 'GET', match: /list-type=2/, status: 301, code: 'PermanentRedirect', times: 10 });
    const moved = await bucket.list(ref, 'wf-1/');
    expect(moved.state === 'unknown' && moved.reason).toContain('another region');
    proxy.clear();
    proxy.add({ method: 'HEAD', match: /wf-1/, hang: true });
    const slow = await bucket.head(ref, 'wf-1/x');
    expect(slow).toMatchObject({ state: 'unknown' });
  }, 20_000);

  it('rides out throttling (503 SlowDown) with the SDK retries', async () => {
    await put('wf-1/t');
    proxy.add({ method: 'HEAD', match: /wf-1\/t/, status: 503, code: 'SlowDown', times: 2 });
    expect(await bucket.head(ref, 'wf-1/t')).toMatchObject({ state: 'present' });
    proxy.add({ method: 'POST', match: /delete/, status: 503, code: 'SlowDown', times: 1 });
    const report = await bucket.delete(ref, ['wf-1/t']);
    expect(report.deleted).toEqual([{ key: 'wf-1/t' }]);
  }, 20_000);

  it('stops at a batch that fails outright and says which keys were never sent', async () => {
    const keys = Array.from({ length: 1010 }, (_, i) => `wf-1/half/${i}`);
    await putAll(keys);
    proxy.add({ method: 'POST', match: /delete/, status: 500, code: 'InternalError', after: 1 });
    const report = await bucket.delete(ref, keys);
    expect(report.deleted).toHaveLength(1000);
    expect(report.failed).toHaveLength(10);
    expect(report.failed[0]).toMatchObject({ key: 'wf-1/half/1000', code: 'InternalError' });
    const left = await bucket.list(ref, 'wf-1/half/');
    expect(left.state === 'present' && left.objects.length).toBe(10);
  }, 30_000);
});
