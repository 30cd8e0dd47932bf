import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse } from 'aws-lambda';
import { InvalidEventError } from '../src/domain/alerts.js';
import { lambdaLogger, lambdaMetrics } from '../src/observability/lambda.js';
import { redactString } from '../src/observability/redact.js';
import { CONFIG_ENV, CONFIG_SSM_PARAM_ENV, loadConfigFromEnv } from '../src/config/load.js';
import { notifyDepsFromEnv, notifySettingsFromConfig } from '../src/notify/config.js';
import { eventId, parseInbound } from '../src/notify/inbound.js';
import { type NotifyDeps, notifyEvents } from '../src/notify/notify-decisions.js';

const logger = lambdaLogger('notify');
const metrics = lambdaMetrics('notify');

/** Built on the first event and kept while the Lambda is warm: the S3 client and the cached webhook URL. */
let deps: Promise<NotifyDeps> | undefined;
function currentDeps(): Promise<NotifyDeps> {
  return (deps ??= buildDeps().catch((err) => {
    deps = undefined;
    throw err;
  }));
}

/** The configuration (when deployed with one) names the webhook and each cluster's Argo UI; else the env alone. */
async function buildDeps(): Promise<NotifyDeps> {
  const log = (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => logger[level](message, data ?? {});
  if (!process.env[CONFIG_ENV] && !process.env[CONFIG_SSM_PARAM_ENV]) return notifyDepsFromEnv(process.env, { log });
  const settings = notifySettingsFromConfig(await loadConfigFromEnv(process.env));
  return { ...notifyDepsFromEnv({ ...process.env, ...settings.env }, { log }), argoUiUrl: (c) => settings.argoUiUrl(c) ?? process.env['ARGO_UI_URL'] };
}

/** For tests: forget the warm state so the next event reads the environment again. */
export function resetNotifyFunction(): void {
  deps = undefined;
}

export class NotifyFailedError extends Error {
  override readonly name = 'NotifyFailedError';
}

/**
 * EventBridge rule target (one event) or SQS consumer (a batch, via a queue between the rule and this function).
 * A failed message makes the event fail: EventBridge retries it, then its DLQ holds it; from SQS only the
 * failed records come back.
 */
export async function handleNotify(event: unknown, d: NotifyDeps): Promise<SQSBatchResponse | { notified: number }> {
  const inbound = parseInbound(event);
  if (inbound.form === 'sqs') {
    for (const bad of inbound.invalid) logger.error('invalid event in batch', { messageId: bad.messageId, reason: bad.reason });
    if (inbound.invalid.length > 0) metrics.addMetric('NotifyInvalidEvents', MetricUnit.Count, inbound.invalid.length);
  }
  const result = await notifyEvents(inbound.items.map((i) => i.event), d);
  metrics.addMetric('NotifyMessagesPosted', MetricUnit.Count, result.messages);
  metrics.addMetric('NotifyAlreadyNotified', MetricUnit.Count, result.alreadyNotified.length);
  metrics.addMetric('NotifyFailures', MetricUnit.Count, result.failures.length);
  logger.info('notify done', {
    messages: result.messages,
    notified: result.notified,
    alreadyNotified: result.alreadyNotified,
    notForSlack: result.notForSlack,
  });
  for (const f of result.failures) logger.error('notification failed', { ids: f.ids, errorName: f.error.name, error: f.error.message });

  if (inbound.form === 'sqs') {
    const failedIds = new Set(result.failures.flatMap((f) => f.ids));
    const failed = inbound.items.filter((i) => failedIds.has(eventId(i.event))).map((i) => i.messageId!);
    return { batchItemFailures: [...inbound.invalid.map((b) => b.messageId), ...failed].map((itemIdentifier) => ({ itemIdentifier })) };
  }
  if (result.failures.length > 0) {
    const first = result.failures[0]!.error;
    throw new NotifyFailedError(redactString(`${result.failures.length} notification(s) failed: ${first.name}: ${first.message}`));
  }
  return { notified: result.messages };
}

export const handler = middy()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .handler(async (event: unknown) => {
    try {
      return await handleNotify(event, await currentDeps());
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      if (e instanceof InvalidEventError) metrics.addMetric('NotifyInvalidEvents', MetricUnit.Count, 1);
      logger.error('notify failed', { errorName: e.name, error: e.message });
      throw err;
    }
  });
