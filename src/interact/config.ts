import { S3Client } from '@aws-sdk/client-s3';
import { approvalStoreFor } from '../approvals/store-for.js';
import { approvalSettings } from '../approvals/settings.js';
import { auditSinkFromEnv } from '../audit/config.js';
import { type ConfigDeps, loadConfigFromEnv } from '../config/load.js';
import { Pacer } from '../notify/pacer.js';
import { SlackWebhookClient } from '../notify/slack-client.js';
import { SqsSignalQueue } from '../queue/sqs-queue.js';
import type { InteractDeps } from './interact.js';

/** How long a click's answer waits on Slack for its ephemeral line. */
export const RESPOND_TIMEOUT_MS = 600;

/**
 * interact's dependencies from the deployed environment: the configuration (slack.app), both secrets from SSM,
 * approvals and refusals in the audit bucket (AUDIT_DIR locally), the signals queue. Built once per container.
 */
export async function interactDepsFromEnv(
  env: NodeJS.ProcessEnv,
  o: { s3?: () => S3Client; getParameter?: ConfigDeps['getParameter'] } = {},
): Promise<Omit<InteractDeps, 'log' | 'metrics'>> {
  const config = await loadConfigFromEnv(env, o.getParameter ? { getParameter: o.getParameter } : {});
  const settings = await approvalSettings(config, { ...(o.getParameter ? { getParameter: o.getParameter } : {}), need: { signingSecrets: true, buttonKeys: true } });
  let client: S3Client | undefined;
  const s3 = () => (client ??= o.s3?.() ?? new S3Client({}));
  const bucket = config.audit.bucket ?? env['AUDIT_BUCKET'];
  const dir = config.audit.localDir ?? env['AUDIT_DIR'];
  const kmsKeyId = config.audit.kmsKeyId ?? env['AUDIT_KMS_KEY_ID'];
  const store = approvalStoreFor(config, env, s3, 'interact configuration');
  const queueUrl = env['SIGNALS_QUEUE_URL'];
  if (!queueUrl) throw new Error('environment variable SIGNALS_QUEUE_URL is not set (serverless.yml sets it)');
  return {
    settings,
    store,
    audit: auditSinkFromEnv({ ...env, ...(bucket ? { AUDIT_BUCKET: bucket } : {}), ...(dir ? { AUDIT_DIR: dir } : {}), ...(kmsKeyId ? { AUDIT_KMS_KEY_ID: kmsKeyId } : {}) }, s3),
    queue: new SqsSignalQueue(queueUrl),
    // Slack waits on this function's answer (3 s, our target 1 s): one attempt, a short timeout, no pacing
    // (each response_url is used once or twice).
    respond: (url, message) => new SlackWebhookClient({ url, maxAttempts: 1, timeoutMs: RESPOND_TIMEOUT_MS, pacer: new Pacer(0) }).post(message),
  };
}
