import type { S3Objects, S3PutInput } from '../aws/s3-objects.js';
import { endpointOverride, requiredRegion, type SignedRequestOptions, signedRequest } from './signed-request.js';

/** RFC 3986 unreserved characters stay, everything else is percent-encoded: what SigV4 signs for S3 keys. */
function encodeStrict(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function xmlText(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)),
  );
}

/**
 * PutObject, GetObject and ListObjectsV2 over signed HTTP (README of this folder). Path-style addressing against
 * an endpoint override (moto_server), virtual-hosted against AWS for DNS-compatible bucket names.
 */
export class SignedS3Objects implements S3Objects {
  constructor(private readonly o: SignedRequestOptions = {}) {}

  private url(bucket: string, key: string | undefined, query: Record<string, string | undefined> = {}): URL {
    const env = this.o.env ?? process.env;
    const segments = key?.split('/') ?? [];
    // A URL folds `.` and `..` segments away, so the request (and its signature) would name another key; the SDK
    // sends them as they are. None of the keys written here has one, so one is a bug upstream: refused, not sent.
    if (segments.some((seg) => seg === '.' || seg === '..')) throw new Error(`S3 key ${JSON.stringify(key)} has a '.' or '..' segment, which signed HTTP cannot send as it is`);
    const path = key === undefined ? '' : `/${segments.map(encodeStrict).join('/')}`;
    const override = endpointOverride(env, 'S3');
    const base = override
      ? `${override}/${encodeStrict(bucket)}${path}`
      : /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket)
        ? `https://${bucket}.s3.${requiredRegion(env)}.amazonaws.com${path || '/'}`
        : `https://s3.${requiredRegion(env)}.amazonaws.com/${encodeStrict(bucket)}${path}`;
    const q = Object.entries(query)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([k, v]) => `${encodeStrict(k)}=${encodeStrict(v)}`)
      .join('&');
    return new URL(q ? `${base}?${q}` : base);
  }

  async put(input: S3PutInput): Promise<void> {
    const headers: Record<string, string> = {};
    if (input.ContentType) headers['content-type'] = input.ContentType;
    if (input.IfNoneMatch) headers['if-none-match'] = input.IfNoneMatch;
    if (input.IfMatch) headers['if-match'] = input.IfMatch;
    if (input.ServerSideEncryption) headers['x-amz-server-side-encryption'] = input.ServerSideEncryption;
    if (input.SSEKMSKeyId) headers['x-amz-server-side-encryption-aws-kms-key-id'] = input.SSEKMSKeyId;
    await signedRequest({ service: 'S3', signingName: 's3', operation: 'PutObject', method: 'PUT', url: this.url(input.Bucket, input.Key), headers, body: input.Body }, this.o);
  }

  async getText(bucket: string, key: string): Promise<string | undefined> {
    try {
      return (await signedRequest({ service: 'S3', signingName: 's3', operation: 'GetObject', method: 'GET', url: this.url(bucket, key), headers: {} }, this.o)).body;
    } catch (err) {
      if ((err as { name?: unknown }).name === 'NoSuchKey' || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw err;
    }
  }

  async listKeys(bucket: string, prefix: string, continuationToken?: string): Promise<{ keys: string[]; next?: string }> {
    const res = await signedRequest(
      { service: 'S3', signingName: 's3', operation: 'ListObjectsV2', method: 'GET', url: this.url(bucket, undefined, { 'list-type': '2', prefix, 'continuation-token': continuationToken }), headers: {} },
      this.o,
    );
    const keys = [...res.body.matchAll(/<Contents>[\s\S]*?<Key>([^<]*)<\/Key>[\s\S]*?<\/Contents>/g)].map((m) => xmlText(m[1]!));
    const truncated = /<IsTruncated>true<\/IsTruncated>/.test(res.body);
    const next = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(res.body)?.[1];
    return { keys, ...(truncated && next ? { next: xmlText(next) } : {}) };
  }
}
