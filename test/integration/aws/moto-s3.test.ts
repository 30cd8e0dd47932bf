import { CreateBucketCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { withMoto } from '../../helpers/moto.js';

// The helper itself: moto speaks S3 with the conditional-write semantics the audit and evidence sinks rely on.
describe('moto_server helper', () => {
  const fx = withMoto();

  it('serves S3 and refuses a second If-None-Match put with 412', async () => {
    const s3 = new S3Client(fx.moto.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: 'afr-helper-check' }));
    const put = () => s3.send(new PutObjectCommand({ Bucket: 'afr-helper-check', Key: 'k', Body: 'x', IfNoneMatch: '*' }));
    await put();
    const err = await put().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(S3ServiceException);
    expect((err as S3ServiceException).$metadata.httpStatusCode).toBe(412);
    s3.destroy();
  });

  it('reset drops every bucket', async () => {
    await fx.moto.reset();
    const s3 = new S3Client(fx.moto.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: 'afr-helper-check' }));
    s3.destroy();
  });
});
