import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EpisodeMarker } from '../../../src/notify/episodes.js';
import { S3EpisodeStore } from '../../../src/notify/episodes-s3.js';
import { type LocalS3, startS3rver } from '../../helpers/s3rver.js';

// The marker's wire format through the real SDK client. Only the unconditional path: s3rver ignores
// If-None-Match, so claim-versus-claim is covered with aws-sdk-client-mock in test/unit/notify/episodes-s3.test.ts.

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startS3rver(['episodes']);
});
afterAll(async () => {
  await s3?.close();
});

describe('S3EpisodeStore on s3rver', () => {
  it('writes a pending marker, rewrites it as posted, deletes it on release', async () => {
    const store = new S3EpisodeStore({ client: s3.client, bucket: 'episodes' });
    const key = 'notified/prod-eu-1/0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21/gc-failed.json';
    const read = async () =>
      EpisodeMarker.parse(JSON.parse(await (await s3.client.send(new GetObjectCommand({ Bucket: 'episodes', Key: key }))).Body!.transformToString()));

    expect(await store.claim(key, 3600)).toBe(true);
    expect((await read()).state).toBe('pending');
    await store.confirm(key, 3600);
    const posted = await read();
    expect(posted.state).toBe('posted');
    expect(posted.expiresAt - Date.parse(posted.claimedAt)).toBe(3600_000);
    await store.release(key);
    await expect(s3.client.send(new HeadObjectCommand({ Bucket: 'episodes', Key: key }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });
});
