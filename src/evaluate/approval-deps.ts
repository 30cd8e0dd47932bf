import { S3Client } from '@aws-sdk/client-s3';
import { approvalStoreFor } from '../approvals/store-for.js';
import { approvalSettings } from '../approvals/settings.js';
import { sdkS3Objects } from '../aws/s3-objects.js';
import { readSsmParameter } from '../config/load.js';
import type { RemediatorConfig } from '../config/schema.js';
import { episodeStoreFromEnv, notifySettingsFromConfig, parseNotifyEnv } from '../notify/config.js';
import { lazyWebhookPoster, SlackWebhookClient } from '../notify/slack-client.js';
import { webhookSourceFromEnv } from '../notify/webhook-source.js';
import type { ApprovalRuntime } from './approval.js';

/**
 * What evaluate needs to act on approvals, from the deployed environment; undefined without a Slack app. The
 * button key is read from SSM (to check each value again), approvals and outcomes live in the audit bucket,
 * episodes are silenced in the same markers notify reads.
 */
export async function approvalRuntimeFromConfig(
  config: RemediatorConfig,
  env: NodeJS.ProcessEnv,
  o: { s3?: () => S3Client; getParameter?: (name: string) => Promise<string> } = {},
): Promise<ApprovalRuntime | undefined> {
  const settings = await approvalSettings(config, { getParameter: o.getParameter ?? readSsmParameter, need: { signingSecrets: false, buttonKeys: true } });
  if (!settings) return undefined;
  let client: S3Client | undefined;
  const s3 = () => (client ??= o.s3?.() ?? new S3Client({}));
  const bucket = config.audit.bucket ?? env['AUDIT_BUCKET'];
  const dir = config.audit.localDir ?? env['AUDIT_DIR'];
  const store = approvalStoreFor(config, env, () => sdkS3Objects(s3()), 'approvals');
  const notifyEnv = parseNotifyEnv({ ...env, ...(bucket ? { AUDIT_BUCKET: bucket } : {}), ...(dir && !env['EPISODE_DIR'] ? { EPISODE_DIR: dir } : {}) });
  const webhook = webhookSourceFromEnv({ ...env, ...notifySettingsFromConfig(config).env });
  return {
    settings,
    store,
    episodes: episodeStoreFromEnv(notifyEnv, s3),
    // A response_url lives 30 minutes and takes 5 posts: one attempt and one retry.
    respond: (url, message) => new SlackWebhookClient({ url, maxAttempts: 2 }).post(message),
    ...(webhook ? { webhook: lazyWebhookPoster(webhook) } : {}),
  };
}
