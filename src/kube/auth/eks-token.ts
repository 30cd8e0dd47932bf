import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** The subset of AWS credentials the signer needs (what defaultProvider resolves to). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type CredentialsProvider = () => Promise<AwsCredentials>;

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** aws-iam-authenticator accepts a token for 15 minutes after its X-Amz-Date (pkg/token/token.go). */
export const EKS_TOKEN_LIFETIME_MS = 15 * 60_000;
/** Refresh well before the 15 minutes are up, so a request in flight never carries a dying token. */
export const DEFAULT_REFRESH_AFTER_MS = 10 * 60_000;
/** The signed header that binds the token to one cluster. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';

/**
 * Mints the bearer token `aws eks get-token` prints: "k8s-aws-v1." + base64url (no padding) of a presigned
 * STS GetCallerIdentity URL whose signed headers include x-k8s-aws-id: <cluster>. STS ignores
 * X-Amz-Expires; 60 is what the reference client sends.
 */
export async function presignEksToken(input: {
  clusterName: string;
  region: string;
  credentials: AwsCredentials;
  signingDate: Date;
}): Promise<string> {
  const hostname = `sts.${input.region}.amazonaws.com`;
  const signer = new SignatureV4({
    service: 'sts',
    region: input.region,
    sha256: Hash.bind(null, 'sha256'),
    credentials: {
      accessKeyId: input.credentials.accessKeyId,
      secretAccessKey: input.credentials.secretAccessKey,
      ...(input.credentials.sessionToken ? { sessionToken: input.credentials.sessionToken } : {}),
    },
  });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, [CLUSTER_ID_HEADER]: input.clusterName },
    },
    { expiresIn: 60, signingDate: input.signingDate },
  );
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(signed.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== null && v !== undefined) query.append(key, v);
  }
  const url = `https://${hostname}/?${query.toString()}`;
  return EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
}

export interface EksTokenSourceOptions {
  clusterName: string;
  region: string;
  /** Defaults to the AWS SDK's default chain (the Lambda role's environment credentials). */
  credentials?: CredentialsProvider;
  now?: () => Date;
  refreshAfterMs?: number;
}

/**
 * Caches one EKS token and mints a new one before the old one can expire, or earlier if the signing
 * credentials themselves expire first. Concurrent callers share one minting.
 */
export class EksTokenSource {
  private cached: { token: string; refreshAt: number } | undefined;
  private inflight: Promise<string> | undefined;
  private readonly now: () => Date;
  private readonly refreshAfterMs: number;

  constructor(private readonly opts: EksTokenSourceOptions) {
    this.now = opts.now ?? (() => new Date());
    this.refreshAfterMs = Math.min(opts.refreshAfterMs ?? DEFAULT_REFRESH_AFTER_MS, EKS_TOKEN_LIFETIME_MS - 60_000);
  }

  async token(): Promise<string> {
    if (this.cached && this.now().getTime() < this.cached.refreshAt) return this.cached.token;
    this.inflight ??= this.mint().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Drops the cached token (the API server said 401): the next request mints a fresh one. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async mint(): Promise<string> {
    const credentials = await (this.opts.credentials ?? (await defaultCredentials()))();
    const signingDate = this.now();
    const token = await presignEksToken({
      clusterName: this.opts.clusterName,
      region: this.opts.region,
      credentials,
      signingDate,
    });
    let refreshAt = signingDate.getTime() + this.refreshAfterMs;
    if (credentials.expiration) refreshAt = Math.min(refreshAt, credentials.expiration.getTime() - 60_000);
    this.cached = { token, refreshAt };
    return token;
  }
}

let defaultChain: CredentialsProvider | undefined;

/** The Lambda role's credentials; created on first use, imported statically so the cold start shows its cost. */
async function defaultCredentials(): Promise<CredentialsProvider> {
  defaultChain ??= defaultProvider();
  return defaultChain;
}
