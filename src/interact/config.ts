import { approvalStoreFor } from '../approvals/store-for.js';
import { approvalSettings } from '../approvals/settings.js';
import { auditSinkFromEnv } from '../audit/config.js';
import type { S3Objects } from '../aws/s3-objects.js';
import { SignedS3Objects } from '../aws-http/s3.js';
import { signedSendMessageBatch } from '../aws-http/sqs.js';
import { signedGetParameter } from '../aws-http/ssm.js';
import { type ConfigDeps, loadConfigWith, parameterReader } from '../config/load.js';
import { Pacer } from '../notify/pacer.js';
import { SlackWebhookClient } from '../notify/slack-client.js';
import { SqsSignalQueue } from '../queue/sqs-queue.js';
import type { InteractDeps } from './interact.js';

/** How long a click's answer waits on Slack for its ephemeral line. */
export const RESPOND_TIMEOUT_MS = 600;

/**
 * interact's dependencies from the deployed environment: the configuration (slack.app), both secrets from SSM,
 * approvals and refusals in the audit bucket (AUDIT_DIR locally), the signals queue. Built once per container.
 * AWS is reached over signed HTTP with the role's environment credentials (src/aws-http), not the SDK: its
 * clients and credential chain were most of this function's cold start.
 */
export async function interactDepsFromEnv(
  env: NodeJS.ProcessEnv,
  o: { s3?: () => S3Objects; getParameter?: ConfigDeps['getParameter'] } = {},
): Promise<Omit<InteractDeps, 'log' | 'metrics'>> {
  const getParameter = o.getParameter ?? parameterReader(signedGetParameter({ env }));
  const config = await loadConfigWith(env, { getParameter });
  const settings = await approvalSettings(config, { getParameter, need: { signingSecrets: true, buttonKeys: true } });
  let objects: S3Objects | undefined;
  const s3 = () => (objects ??= o.s3?.() ?? new SignedS3Objects({ env }));
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
    queue: new SqsSignalQueue(queueUrl, { sendBatch: signedSendMessageBatch({ env }) }),
    // Slack waits on this function's answer (3 s, our target 1 s): one attempt, a short timeout, no pacing
    // (each response_url is used once or twice).
    respond: (url, message) => new SlackWebhookClient({ url, maxAttempts: 1, timeoutMs: RESPOND_TIMEOUT_MS, pacer: new Pacer(0) }).post(message),
  };
}
