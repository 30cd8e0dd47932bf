import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse } from 'aws-lambda';
import { CONFIG_ENV, CONFIG_SSM_PARAM_ENV, loadConfigFromEnv, readSsmParameter } from '../config/load.js';
import { InvalidEventError } from '../domain/alerts.js';
import type { Log } from '../observability/log.js';
import { redactString } from '../observability/redact.js';
import { approvalOffer } from '../approvals/offer.js';
import { approvalSettings } from '../approvals/settings.js';
import type { RemediatorConfig } from '../config/schema.js';
import type { ButtonSettings } from './buttons.js';
import { notifyDepsFromEnv, notifySettingsFromConfig } from './config.js';
import { eventId, parseInbound } from './inbound.js';
import { type NotifyDeps, notifyEvents } from './notify-decisions.js';

/** The configuration (when deployed with one) names the webhook and each cluster's Argo UI; else the env alone. */
export async function notifyDepsFromConfig(env: NodeJS.ProcessEnv, log: Log): Promise<NotifyDeps> {
  const logTo = { log: (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => log[level](message, data) };
  if (!env[CONFIG_ENV] && !env[CONFIG_SSM_PARAM_ENV]) return notifyDepsFromEnv(env, logTo);
  const config = await loadConfigFromEnv(env);
  const settings = notifySettingsFromConfig(config);
  const buttons = await buttonSettingsFromConfig(config, { log });
  return {
    ...notifyDepsFromEnv({ ...env, ...settings.env }, logTo),
    argoUiUrl: (c) => settings.argoUiUrl(c) ?? env['ARGO_UI_URL'],
    ...(buttons ? { buttons } : {}),
  };
}

/**
 * Buttons only with a Slack app (`slack.app`) and its button key; otherwise messages stay as they are. A key that
 * cannot be read costs the buttons, never the notification. Which buttons: `approvalOffer`, as evaluate judges them.
 */
export async function buttonSettingsFromConfig(
  config: RemediatorConfig,
  o: { getParameter?: (name: string) => Promise<string>; log?: Log } = {},
): Promise<ButtonSettings | undefined> {
  let s;
  try {
    s = await approvalSettings(config, { getParameter: o.getParameter ?? readSsmParameter, need: { signingSecrets: false, buttonKeys: true } });
  } catch (err) {
    o.log?.error('button key unreadable; messages go out without approval buttons', { errorName: (err as Error).name, error: (err as Error).message });
    return undefined;
  }
  if (!s || s.buttonKeys.length === 0) return undefined;
  const actions = s.actions;
  return { keys: s.buttonKeys, ttlMs: s.ttlMs, offer: (d, whole) => approvalOffer(config, actions, d.cluster, d, { whole }) };
}

export class NotifyFailedError extends Error {
  override readonly name = 'NotifyFailedError';
}

/**
 * The notify Lambda handler: an EventBridge rule target (one event) or an SQS consumer (a batch, via a queue
 * between the rule and this function). A failed message makes the event fail: EventBridge retries it, then
 * its DLQ holds it; from SQS only the failed records come back. The deployed function and the demo both
 * build it here.
 */
export function notifyHandler(
  deps: () => Promise<NotifyDeps>,
  logger: Logger,
  metrics: Metrics,
): (event: unknown, context: object) => Promise<SQSBatchResponse | { notified: number }> {
  async function handle(event: unknown): Promise<SQSBatchResponse | { notified: number }> {
    const inbound = parseInbound(event);
    if (inbound.form === 'sqs') {
      for (const bad of inbound.invalid) logger.error('invalid event in batch', { messageId: bad.messageId, reason: bad.reason });
      if (inbound.invalid.length > 0) metrics.addMetric('NotifyInvalidEvents', MetricUnit.Count, inbound.invalid.length);
    }
    const result = await notifyEvents(inbound.items.map((i) => i.event), await deps());
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

  return middy()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(async (event: unknown) => {
      try {
        return await handle(event);
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        if (e instanceof InvalidEventError) metrics.addMetric('NotifyInvalidEvents', MetricUnit.Count, 1);
        logger.error('notify failed', { errorName: e.name, error: e.message });
        throw err;
      }
    }) as never;
}
