import { S3Client } from '@aws-sdk/client-s3';
import type { RemediatorConfig } from '../config/schema.js';
import * as z from 'zod';
import { DEFAULT_EPISODE_TTL_SECONDS, type EpisodeStore } from './episodes.js';
import { FileEpisodeStore } from './episodes-file.js';
import { S3EpisodeStore } from './episodes-s3.js';
import type { NotifyDeps, NotifyLog } from './notify-decisions.js';
import { lazyWebhookPoster } from './slack-client.js';
import { WebhookConfigError, webhookSourceFromEnv, type WebhookSourceOptions } from './webhook-source.js';
import { optionalEnv } from '../config/env.js';
import { regionFromEnv } from '../aws/region.js';

const opt = optionalEnv;

export const NotifyEnv = z.object({
  AUDIT_BUCKET: opt(z.string().min(3)),
  EPISODE_BUCKET: opt(z.string().min(3)),
  /** Local runs without S3: markers as files. */
  EPISODE_DIR: opt(z.string().min(1)),
  AUDIT_KMS_KEY_ID: opt(z.string().min(1)),
  ARGO_UI_URL: opt(z.url({ protocol: /^https?$/ })),
  EPISODE_TTL_SECONDS: opt(z.coerce.number().int().positive()),
});
export type NotifyEnv = z.infer<typeof NotifyEnv>;

export function parseNotifyEnv(env: NodeJS.ProcessEnv): NotifyEnv {
  const r = NotifyEnv.safeParse(env);
  if (!r.success) throw new WebhookConfigError(`notify configuration: ${z.prettifyError(r.error)}`);
  return r.data;
}

export function episodeStoreFromEnv(cfg: NotifyEnv, s3: () => S3Client): EpisodeStore {
  const bucket = cfg.EPISODE_BUCKET ?? cfg.AUDIT_BUCKET;
  if (bucket) return new S3EpisodeStore({ client: s3(), bucket, kmsKeyId: cfg.AUDIT_KMS_KEY_ID });
  if (cfg.EPISODE_DIR) return new FileEpisodeStore(cfg.EPISODE_DIR);
  throw new WebhookConfigError('notify configuration: set EPISODE_BUCKET or AUDIT_BUCKET (or EPISODE_DIR locally)');
}

/**
 * Everything the notify function needs, from the environment. No webhook configured is an error, not a silent
 * drop: every event then fails and lands in the DLQ, where an alarm sees it.
 */
export function notifyDepsFromEnv(
  env: NodeJS.ProcessEnv,
  o: { s3?: () => S3Client; webhook?: WebhookSourceOptions; log?: NotifyLog } = {},
): NotifyDeps {
  const cfg = parseNotifyEnv(env);
  const source = webhookSourceFromEnv(env, o.webhook);
  if (!source) {
    throw new WebhookConfigError('notify configuration: set SLACK_WEBHOOK_SSM_PARAM or SLACK_WEBHOOK_SECRET_ID (or SLACK_WEBHOOK_URL locally)');
  }
  return {
    slack: lazyWebhookPoster(source),
    episodes: episodeStoreFromEnv(cfg, o.s3 ?? (() => new S3Client({}))),
    episodeTtlSeconds: cfg.EPISODE_TTL_SECONDS ?? DEFAULT_EPISODE_TTL_SECONDS,
    argoUiUrl: cfg.ARGO_UI_URL,
    // Slack links each removal's evidence bundle in the audit bucket (its key, never its contents).
    evidenceBucket: cfg.AUDIT_BUCKET,
    region: regionFromEnv(env),
    ...(o.log ? { log: o.log } : {}),
  };
}

/**
 * The deployed configuration's say on notifications, as the environment variables notify reads: the webhook
 * source from `slack.webhook` (which the loader fills from SLACK_WEBHOOK_SSM_PARAM when the document is
 * silent) and each cluster's Argo UI link.
 */
export function notifySettingsFromConfig(config: RemediatorConfig): { env: Record<string, string>; argoUiUrl: (cluster: string) => string | undefined } {
  const env: Record<string, string> = {};
  const webhook = config.slack?.webhook;
  if (webhook && 'ssmParameter' in webhook) env['SLACK_WEBHOOK_SSM_PARAM'] = webhook.ssmParameter;
  else if (webhook && 'secretId' in webhook) env['SLACK_WEBHOOK_SECRET_ID'] = webhook.secretId;
  else if (webhook && 'url' in webhook) env['SLACK_WEBHOOK_URL'] = webhook.url;
  const urls = new Map(config.clusters.flatMap((c) => (c.argoUiUrl ? [[c.name, c.argoUiUrl] as const] : [])));
  return { env, argoUiUrl: (cluster) => urls.get(cluster) };
}
