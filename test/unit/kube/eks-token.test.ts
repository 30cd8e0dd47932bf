import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EKS_TOKEN_PREFIX, EksTokenSource, presignEksToken } from '../../../src/kube/auth/eks-token.js';

// Fixed, obviously fake credentials: the signature is checked by recomputing it here.
const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'IQoJb3JpZ2luX2Vj+/=' };
const signingDate = new Date('2026-03-04T05:06:07Z');

const ALLOWED_QUERY = new Set([
  'Action',
  'Version',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
]);

function decode(token: string): URL {
  expect(token.startsWith(EKS_TOKEN_PREFIX)).toBe(true);
  const body = token.slice(EKS_TOKEN_PREFIX.length);
  expect(body).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
  return new URL(Buffer.from(body, 'base64url').toString('utf8'));
}

describe('presignEksToken', () => {
  it('is a presigned STS GetCallerIdentity URL bound to the cluster, as aws-iam-authenticator expects', async () => {
    const token = await presignEksToken({ clusterName: 'prod-eks', region: 'eu-west-1', credentials: creds, signingDate });
    expect(token.length).toBeLessThanOrEqual(4096);
    const url = decode(token);
    const q = url.searchParams;
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    expect(q.get('Action')).toBe('GetCallerIdentity');
    expect(q.get('Version')).toBe('2011-06-15');
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Credential')).toBe('AKIAIOSFODNN7EXAMPLE/20260304/eu-west-1/sts/aws4_request');
    expect(q.get('X-Amz-Date')).toBe('20260304T050607Z');
    expect(q.get('X-Amz-Expires')).toBe('60');
    expect(q.get('X-Amz-Security-Token')).toBe(creds.sessionToken);
    expect(q.get('X-Amz-SignedHeaders')!.split(';')).toEqual(expect.arrayContaining(['host', 'x-k8s-aws-id']));
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    for (const key of q.keys()) expect(ALLOWED_QUERY.has(key), `unexpected query key ${key}`).toBe(true);
  });

  it('signs x-k8s-aws-id: a recomputed SigV4 signature matches only with the cluster name in the canonical request', async () => {
    const token = await presignEksToken({ clusterName: 'prod-eks', region: 'eu-west-1', credentials: creds, signingDate });
    const url = decode(token);
    expect(sigV4(url, 'prod-eks')).toBe(url.searchParams.get('X-Amz-Signature'));
    expect(sigV4(url, 'other-cluster')).not.toBe(url.searchParams.get('X-Amz-Signature'));
  });

  it('omits the security token for long-term keys', async () => {
    const token = await presignEksToken({
      clusterName: 'c',
      region: 'us-east-1',
      credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
      signingDate,
    });
    expect(decode(token).searchParams.has('X-Amz-Security-Token')).toBe(false);
  });
});

describe('EksTokenSource', () => {
  function setup(refreshAfterMs?: number, expiration?: Date) {
    let now = signingDate.getTime();
    let fetched = 0;
    const source = new EksTokenSource({
      clusterName: 'prod-eks',
      region: 'eu-west-1',
      now: () => new Date(now),
      credentials: async () => {
        fetched++;
        return { ...creds, ...(expiration ? { expiration } : {}) };
      },
      ...(refreshAfterMs ? { refreshAfterMs } : {}),
    });
    return { source, advance: (ms: number) => void (now += ms), fetched: () => fetched };
  }

  it('caches the token and mints a new one after 10 minutes, well inside its 15-minute life', async () => {
    const { source, advance, fetched } = setup();
    const first = await source.token();
    advance(9 * 60_000);
    expect(await source.token()).toBe(first);
    expect(fetched()).toBe(1);
    advance(60_000);
    const second = await source.token();
    expect(second).not.toBe(first);
    expect(decode(second).searchParams.get('X-Amz-Date')).toBe('20260304T051607Z');
    expect(fetched()).toBe(2);
  });

  it('never caches past the token lifetime, whatever refreshAfterMs says', async () => {
    const { source, advance } = setup(60 * 60_000);
    const first = await source.token();
    advance(14 * 60_000 + 1);
    expect(await source.token()).not.toBe(first);
  });

  it('refreshes early when the signing credentials expire first', async () => {
    const { source, advance } = setup(undefined, new Date(signingDate.getTime() + 3 * 60_000));
    const first = await source.token();
    advance(2 * 60_000 + 1);
    expect(await source.token()).not.toBe(first);
  });

  it('shares one minting between concurrent callers and re-mints after invalidate()', async () => {
    const { source, fetched } = setup();
    const [a, b] = await Promise.all([source.token(), source.token()]);
    expect(a).toBe(b);
    expect(fetched()).toBe(1);
    source.invalidate();
    await source.token();
    expect(fetched()).toBe(2);
  });
});

/** Independent SigV4 (query-string auth) for GET / with headers host and x-k8s-aws-id. */
function sigV4(url: URL, clusterName: string): string {
  const q = new URLSearchParams(url.searchParams);
  q.delete('X-Amz-Signature');
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalQuery = [...q.entries()]
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [
    'GET',
    '/',
    canonicalQuery,
    `host:${url.host}\nx-k8s-aws-id:${clusterName}\n`,
    'host;x-k8s-aws-id',
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const date = q.get('X-Amz-Date')!;
  const [, day, region, service] = q.get('X-Amz-Credential')!.split('/');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day!), region!), service!), 'aws4_request');
  return createHmac('sha256', kSigning).update(toSign).digest('hex');
}
