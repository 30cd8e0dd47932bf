import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { postedMarker, pendingMarker } from '../../../src/notify/episodes.js';
import { S3EpisodeStore } from '../../../src/notify/episodes-s3.js';
import { fakeTime } from './fake-time.js';

// Mocked because s3rver ignores If-None-Match and If-Match (shared/domain/toolchain.md section 6).

const s3Mock = mockClient(S3Client);
beforeEach(() => s3Mock.reset());

const KEY = 'notified/prod-eu-1/0f6c2a9b/gc-failed.json';
const preconditionFailed = () =>
  new S3ServiceException({ name: 'PreconditionFailed', $fault: 'client', $metadata: { httpStatusCode: 412 }, message: 'At least one of the pre-conditions you specified did not hold' });
// The SDK's streaming body, reduced to the one method the store calls (SDK boundary, hence the cast).
const body = (value: unknown) => ({ transformToString: async () => JSON.stringify(value) }) as never;

function store(clock: () => number) {
  return new S3EpisodeStore({ client: new S3Client({}), bucket: 'audit-bucket', clock, leaseSeconds: 900 });
}

describe('S3EpisodeStore', () => {
  it('claims with If-None-Match * and an encrypted JSON marker', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    expect(await store(fakeTime().clock).claim(KEY, 3600)).toBe(true);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'audit-bucket',
      Key: KEY,
      IfNoneMatch: '*',
      ContentType: 'application/json',
      ServerSideEncryption: 'AES256',
    });
  });

  it('412 on a live marker: already claimed, skip', async () => {
    const t = fakeTime();
    s3Mock.on(PutObjectCommand).rejects(preconditionFailed());
    s3Mock.on(GetObjectCommand).resolves({ Body: body(postedMarker(t.now, 3600)), ETag: '"e1"' });
    expect(await store(t.clock).claim(KEY, 3600)).toBe(false);
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 1);
  });

  it('412 on an expired marker: takes it over with If-Match on its ETag', async () => {
    const t = fakeTime();
    const old = postedMarker(t.now - 7200_000, 3600);
    s3Mock.on(PutObjectCommand, { IfNoneMatch: '*' }).rejects(preconditionFailed());
    s3Mock.on(PutObjectCommand, { IfMatch: '"e1"' }).resolves({});
    s3Mock.on(GetObjectCommand).resolves({ Body: body(old), ETag: '"e1"' });
    expect(await store(t.clock).claim(KEY, 3600)).toBe(true);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { Key: KEY, IfMatch: '"e1"' });
  });

  it('loses the takeover race when someone else replaced the marker first', async () => {
    const t = fakeTime();
    s3Mock.on(PutObjectCommand).rejects(preconditionFailed());
    s3Mock.on(GetObjectCommand).resolves({ Body: body(pendingMarker(t.now - 3600_000, 60, 900)), ETag: '"e1"' });
    expect(await store(t.clock).claim(KEY, 60)).toBe(false);
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 2);
  });

  it('releases by deleting the marker and confirms by rewriting it as posted', async () => {
    s3Mock.on(DeleteObjectCommand).resolves({});
    s3Mock.on(PutObjectCommand).resolves({});
    const s = store(fakeTime().clock);
    await s.release(KEY);
    await s.confirm(KEY, 3600);
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: 'audit-bucket', Key: KEY });
    const put = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put.IfNoneMatch).toBeUndefined();
    expect(JSON.parse(put.Body as string).state).toBe('posted');
  });

  it('lets a non-conditional error through', async () => {
    s3Mock.on(PutObjectCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Access Denied' }));
    await expect(store(fakeTime().clock).claim(KEY, 60)).rejects.toThrow('Access Denied');
  });
});
