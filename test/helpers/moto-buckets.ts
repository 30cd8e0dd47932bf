import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeEach } from 'vitest';
import { S3Bucket } from '../../src/buckets/s3-bucket.js';
import type { Moto } from './moto.js';

/**
 * Vitest fixture for the suites that drive src/buckets against moto_server: before each test moto is reset, the
 * named buckets exist (empty), and two fresh clients are ready: `admin`, the test's own S3 client (seeding and
 * checking), and `bucket`, the product's S3Bucket adapter under test.
 */
export function useMotoBuckets(fx: { readonly moto: Moto }, buckets: string[], options: { requestTimeoutMs: number }): { readonly admin: S3Client; readonly bucket: S3Bucket } {
  let admin: S3Client | undefined;
  let bucket: S3Bucket | undefined;
  afterAll(() => {
    bucket?.destroy();
    admin?.destroy();
  });
  beforeEach(async () => {
    await fx.moto.reset();
    admin?.destroy();
    admin = new S3Client(fx.moto.clientConfig);
    for (const Bucket of buckets) await admin.send(new CreateBucketCommand({ Bucket }));
    bucket?.destroy();
    bucket = new S3Bucket({ clientConfig: fx.moto.clientConfig, defaultRegion: fx.moto.region, requestTimeoutMs: options.requestTimeoutMs });
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useMotoBuckets: the clients exist only inside tests and hooks');
    return value;
  };
  return {
    get admin() {
      return ready(admin);
    },
    get bucket() {
      return ready(bucket);
    },
  };
}
