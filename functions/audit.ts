import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { EventEnvelope, InvalidEventError } from '../src/domain/alerts.js';
import { type AuditDeps, type AuditOutcome, auditEvent } from '../src/audit/audit-event.js';
import { auditSinkFromEnv } from '../src/audit/config.js';
import { CONFIG_ENV, CONFIG_SSM_PARAM_ENV, loadConfigFromEnv } from '../src/config/load.js';
import { lambdaLogger, lambdaMetrics } from '../src/observability/lambda.js';

const logger = lambdaLogger('audit');
const metrics = lambdaMetrics('audit');

/** Built on the first event and kept while the Lambda is warm. */
let deps: Promise<AuditDeps> | undefined;
function currentDeps(): Promise<AuditDeps> {
  return (deps ??= buildDeps().catch((err) => {
    deps = undefined;
    throw err;
  }));
}

/** The configuration's `audit` section, when deployed with one, names the bucket and key; else the env alone. */
async function buildDeps(): Promise<AuditDeps> {
  if (!process.env[CONFIG_ENV] && !process.env[CONFIG_SSM_PARAM_ENV]) return { sink: auditSinkFromEnv(process.env) };
  const { audit } = await loadConfigFromEnv(process.env);
  const fromConfig = {
    ...(audit.bucket ? { AUDIT_BUCKET: audit.bucket } : {}),
    ...(audit.kmsKeyId ? { AUDIT_KMS_KEY_ID: audit.kmsKeyId } : {}),
    ...(audit.localDir ? { AUDIT_DIR: audit.localDir } : {}),
  };
  return { sink: auditSinkFromEnv({ ...process.env, ...fromConfig }) };
}

/** For tests: forget the warm state so the next event reads the environment again. */
export function resetAuditFunction(): void {
  deps = undefined;
}

/**
 * EventBridge rule target: one event, one record. Invalid input and failed writes throw, so EventBridge
 * retries and then dead-letters the event: no decision that acted or notified is lost without a trace.
 */
export async function handleAudit(event: unknown, d: AuditDeps): Promise<AuditOutcome> {
  const env = EventEnvelope.safeParse(event);
  if (!env.success) throw new InvalidEventError('not an EventBridge event: "detail-type" and "detail" are required');
  const outcome = await auditEvent(env.data['detail-type'], env.data.detail, d);
  metrics.addMetric(outcome.result === 'written' ? 'AuditRecordsWritten' : 'AuditRecordsDuplicate', MetricUnit.Count, 1);
  logger.info('audit record', { ...outcome, eventId: env.data.id });
  return outcome;
}

export const handler = middy()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .handler(async (event: unknown) => {
    try {
      return await handleAudit(event, await currentDeps());
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      if (e instanceof InvalidEventError) metrics.addMetric('AuditInvalidEvents', MetricUnit.Count, 1);
      else metrics.addMetric('AuditFailures', MetricUnit.Count, 1);
      logger.error('audit failed', { errorName: e.name, error: e.message });
      throw err;
    }
  });
