import { ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { withMoto } from '../../helpers/moto.js';
import { useMotoBuckets } from '../../helpers/moto-buckets.js';

// The S3 adapter through the real SDK against moto_server; the errors moto cannot produce (403, 503 SlowDown,
// 301 wrong region, no answer) come from the recording proxy in front of it (test/helpers/moto.ts faults).
describe('S3Bucket against moto_server', () => {
  const fx = withMoto();
  const s3 = useMotoBuckets(fx, ['argo-artifacts'], { requestTimeoutMs: 1500 });
  const ref = { bucket: 'argo-artifacts' };

  const put = (Key: string, Body = 'x', Bucket = ref.bucket) => s3.admin.send(new PutObjectCommand({ Bucket, Key, Body }));
  const putAll = async (keys: string[]) => {
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((k) => put(k)));
  };

  it('heads a present object with size and ETag, and an absent one as HeadObject 404', async () => {
    await put('wf-1/pod/out.tgz', 'hello');
    const present = await s3.bucket.head(ref, 'wf-1/pod/out.tgz');
    expect(present).toMatchObject({ state: 'present', objects: [{ key: 'wf-1/pod/out.tgz', size: 5 }] });
    expect(present.state === 'present' && present.objects[0]!.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await s3.bucket.head(ref, 'wf-1/pod/missing.tgz')).toEqual({ state: 'absent', evidence: 'HeadObject 404' });
  });

  it('never reads a missing bucket as absent: HeadObject 404 is checked with a listing under the key', async () => {
    const r = await s3.bucket.head({ bucket: 'no-such-bucket' }, 'k');
    expect(r).toMatchObject({ state: 'unknown' });
    expect(r.state === 'unknown' && r.reason).toContain('does not exist');
    expect((await s3.bucket.list({ bucket: 'no-such-bucket' }, 'k/')).state).toBe('unknown');
  });

  it('lists a prefix with its folder markers, and an empty prefix as KeyCount 0', async () => {
    await put('wf-1/dir/');
    await put('wf-1/dir/a.txt', 'aa');
    await put('wf-1/dir/sub/b.txt', 'bbb');
    await put('wf-10/dir/c.txt');
    const listed = await s3.bucket.list(ref, 'wf-1/dir/');
    expect(listed).toMatchObject({ state: 'present', truncated: false });
    expect(listed.state === 'present' && listed.objects.map((o) => [o.key, o.size])).toEqual([
      ['wf-1/dir/', 1],
      ['wf-1/dir/a.txt', 2],
      ['wf-1/dir/sub/b.txt', 3],
    ]);
    expect(await s3.bucket.list(ref, 'wf-2/')).toEqual({ state: 'absent', evidence: 'ListObjectsV2 KeyCount 0' });
  });

  it('pages a listing and stops at maxKeys, saying it is truncated', async () => {
    for (let i = 0; i < 25; i++) await put(`wf-1/many/${String(i).padStart(2, '0')}`);
    const all = await s3.bucket.list(ref, 'wf-1/many/');
    expect(all.state === 'present' && all.objects.length).toBe(25);
    const some = await s3.bucket.list(ref, 'wf-1/many/', { maxKeys: 10 });
    expect(some).toMatchObject({ state: 'present', truncated: true });
    expect(some.state === 'present' && some.objects.length).toBe(10);
  });

  it('deletes in batches of 1,000 and the objects are gone', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `wf-1/big/${i}`);
    await putAll(keys);
    const report = await s3.bucket.delete(ref, keys);
    expect(report.requests).toBe(2);
    expect(report.failed).toEqual([]);
    expect(report.deleted).toHaveLength(1005);
    expect(await s3.bucket.list(ref, 'wf-1/big/')).toEqual({ state: 'absent', evidence: 'ListObjectsV2 KeyCount 0' });
    const posts = fx.moto.callsTo('S3.POST').filter((c) => c.path.includes('delete'));
    expect(posts).toHaveLength(2);
  });

  it('on a versioned bucket adds delete markers, records them, and keeps every version', async () => {
    await s3.admin.send(new PutBucketVersioningCommand({ Bucket: ref.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await put('wf-1/v/out.tgz', 'one');
    await put('wf-1/v/out.tgz', 'two');
    const report = await s3.bucket.delete(ref, ['wf-1/v/out.tgz']);
    expect(report.deleted).toHaveLength(1);
    expect(report.deleted[0]!.deleteMarkerVersionId).toMatch(/.+/);
    expect(await s3.bucket.head(ref, 'wf-1/v/out.tgz')).toEqual({ state: 'absent', evidence: 'HeadObject 404' });
    const versions = await s3.admin.send(new ListObjectVersionsCommand({ Bucket: ref.bucket, Prefix: 'wf-1/v/' }));
    expect(versions.Versions).toHaveLength(2);
    expect(versions.DeleteMarkers).toHaveLength(1);
    // Only DeleteObjects went out, and never with a versionId.
    const writes = fx.moto.calls.filter((c) => c.method !== 'GET' && c.method !== 'HEAD' && !c.headers['user-agent']?.toString().includes('admin'));
    const ours = writes.filter((c) => c.path.includes('delete'));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.every((c) => c.method === 'POST' && !c.path.includes('versionId') && !c.body.includes('<VersionId>'))).toBe(true);
  });

  it('reads a 403 as unknown, never absent', async () => {
    await put('wf-1/x');
    fx.moto.faults.push({ operation: 'S3.HEAD', path: /wf-1/, error: { status: 403, code: 'AccessDenied', message: 'injected' } });
    fx.moto.faults.push({ operation: 'S3.GET', path: /list-type=2/, error: { status: 403, code: 'AccessDenied', message: 'injected' } });
    const head = await s3.bucket.head(ref, 'wf-1/gone');
    expect(head).toMatchObject({ state: 'unknown' });
    expect(head.state === 'unknown' && head.reason).toContain('403');
    expect((await s3.bucket.list(ref, 'wf-1/')).state).toBe('unknown');
  });

  it('a 403 on the bucket check after a 404 keeps it unknown (no s3:ListBucket)', async () => {
    fx.moto.faults.push({ operation: 'S3.GET', path: /list-type=2/, error: { status: 403, code: 'AccessDenied', message: 'injected' } });
    expect((await s3.bucket.head(ref, 'wf-1/gone')).state).toBe('unknown');
  });

  it('reads a wrong region (301) and a timeout as unknown', async () => {
    fx.moto.faults.push({ operation: 'S3.GET', path: /list-type=2/, error: { status: 301, code: 'PermanentRedirect', message: 'injected' }, times: 10 });
    const moved = await s3.bucket.list(ref, 'wf-1/');
    expect(moved.state === 'unknown' && moved.reason).toContain('another region');
    fx.moto.faults.length = 0;
    fx.moto.faults.push({ operation: 'S3.HEAD', path: /wf-1/, hang: true });
    const slow = await s3.bucket.head(ref, 'wf-1/x');
    expect(slow).toMatchObject({ state: 'unknown' });
  }, 20_000);

  it('rides out throttling (503 SlowDown) with the SDK retries', async () => {
    await put('wf-1/t');
    fx.moto.faults.push({ operation: 'S3.HEAD', path: /wf-1\/t/, error: { status: 503, code: 'SlowDown', message: 'injected' }, times: 2 });
    expect(await s3.bucket.head(ref, 'wf-1/t')).toMatchObject({ state: 'present' });
    fx.moto.faults.push({ operation: 'S3.POST', path: /delete/, error: { status: 503, code: 'SlowDown', message: 'injected' }, times: 1 });
    const report = await s3.bucket.delete(ref, ['wf-1/t']);
    expect(report.deleted).toEqual([{ key: 'wf-1/t' }]);
  }, 20_000);

  it('stops at a batch that fails outright and says which keys were never sent', async () => {
    const keys = Array.from({ length: 1010 }, (_, i) => `wf-1/half/${i}`);
    await putAll(keys);
    fx.moto.faults.push({ operation: 'S3.POST', path: /delete/, error: { status: 500, code: 'InternalError', message: 'injected' }, after: 1 });
    const report = await s3.bucket.delete(ref, keys);
    expect(report.deleted).toHaveLength(1000);
    expect(report.failed).toHaveLength(10);
    expect(report.failed[0]).toMatchObject({ key: 'wf-1/half/1000', code: 'InternalError' });
    const left = await s3.bucket.list(ref, 'wf-1/half/');
    expect(left.state === 'present' && left.objects.length).toBe(10);
  }, 30_000);
});
