import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { registerSecret } from '../observability/redact.js';
import { type Clock, systemClock } from './pacer.js';
import { awsClientOptions } from '../aws/client-options.js';

/** Where the webhook URL comes from. The URL is a credential: it is read, registered for redaction, used. */
export interface SlackWebhookSource {
  /** Human-readable origin for logs, never the URL. */
  readonly describe: string;
  url(): Promise<string>;
}

export class WebhookConfigError extends Error {
  override readonly name = 'WebhookConfigError';
}

/** Accepts a raw URL or JSON `{"url": "..."}`; the error never repeats the value. */
export function parseWebhookSecret(raw: string, origin: string): string {
  let candidate = raw.trim();
  if (candidate.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(candidate);
    } catch {
      throw new WebhookConfigError(`${origin}: value is neither a URL nor valid JSON`);
    }
    const url = (parsed as { url?: unknown } | null)?.url;
    if (typeof url !== 'string') throw new WebhookConfigError(`${origin}: JSON value has no string "url" field`);
    candidate = url.trim();
  }
  let u: URL;
  try {
    u = new URL(candidate);
  } catch {
    throw new WebhookConfigError(`${origin}: value is not a URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new WebhookConfigError(`${origin}: URL must be http(s)`);
  registerSecret(candidate);
  return candidate;
}

export const DEFAULT_WEBHOOK_TTL_MS = 5 * 60_000;

// Module scope on purpose: a warm Lambda reads SSM or Secrets Manager once per TTL, not once per event.
const cache = new Map<string, { value: string; expiresAt: number }>();

/** For tests. */
export function clearWebhookCache(): void {
  cache.clear();
}

class CachedSource implements SlackWebhookSource {
  constructor(
    readonly describe: string,
    private readonly load: () => Promise<string>,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  async url(): Promise<string> {
    const hit = cache.get(this.describe);
    const now = this.clock();
    if (hit && hit.expiresAt > now) return hit.value;
    const value = parseWebhookSecret(await this.load(), this.describe);
    cache.set(this.describe, { value, expiresAt: now + this.ttlMs });
    return value;
  }
}

export interface WebhookSourceOptions {
  ssm?: SSMClient;
  secrets?: SecretsManagerClient;
  ttlMs?: number;
  clock?: Clock;
}

let defaultSsm: SSMClient | undefined;
let defaultSecrets: SecretsManagerClient | undefined;

export function ssmWebhookSource(name: string, o: WebhookSourceOptions = {}): SlackWebhookSource {
  return new CachedSource(
    `ssm:${name}`,
    async () => {
      const client = o.ssm ?? (defaultSsm ??= new SSMClient(awsClientOptions()));
      const res = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      const value = res.Parameter?.Value;
      if (!value) throw new WebhookConfigError(`ssm:${name}: parameter has no value`);
      return value;
    },
    o.ttlMs ?? DEFAULT_WEBHOOK_TTL_MS,
    o.clock ?? systemClock,
  );
}

export function secretsManagerWebhookSource(secretId: string, o: WebhookSourceOptions = {}): SlackWebhookSource {
  return new CachedSource(
    `secretsmanager:${secretId}`,
    async () => {
      const client = o.secrets ?? (defaultSecrets ??= new SecretsManagerClient(awsClientOptions()));
      const res = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      const value = res.SecretString ?? (res.SecretBinary ? Buffer.from(res.SecretBinary).toString('utf8') : undefined);
      if (!value) throw new WebhookConfigError(`secretsmanager:${secretId}: secret has no value`);
      return value;
    },
    o.ttlMs ?? DEFAULT_WEBHOOK_TTL_MS,
    o.clock ?? systemClock,
  );
}

/** Local runs: the URL straight from the environment. */
export function staticWebhookSource(url: string, describe = 'env:SLACK_WEBHOOK_URL'): SlackWebhookSource {
  const value = parseWebhookSecret(url, describe);
  return { describe, url: async () => value };
}

/**
 * SLACK_WEBHOOK_SSM_PARAM (SecureString), else SLACK_WEBHOOK_SECRET_ID (raw URL or {"url": ...}), else
 * SLACK_WEBHOOK_URL for local use; undefined when none is set (notifications then go nowhere, loudly).
 */
export function webhookSourceFromEnv(env: NodeJS.ProcessEnv, o: WebhookSourceOptions = {}): SlackWebhookSource | undefined {
  if (env.SLACK_WEBHOOK_SSM_PARAM) return ssmWebhookSource(env.SLACK_WEBHOOK_SSM_PARAM, o);
  if (env.SLACK_WEBHOOK_SECRET_ID) return secretsManagerWebhookSource(env.SLACK_WEBHOOK_SECRET_ID, o);
  if (env.SLACK_WEBHOOK_URL) return staticWebhookSource(env.SLACK_WEBHOOK_URL);
  return undefined;
}
