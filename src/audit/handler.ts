import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { S3Client } from '@aws-sdk/client-s3';
import { sdkS3Objects } from '../aws/s3-objects.js';
import { CONFIG_ENV, CONFIG_SSM_PARAM_ENV, loadConfigFromEnv } from '../config/load.js';
import { EventEnvelope, InvalidEventError } from '../domain/alerts.js';
import { type AuditDeps, type AuditOutcome, auditEvent } from './audit-event.js';
import { auditSinkFromEnv } from './config.js';

/** The configuration's `audit` section, when deployed with one, names the bucket and key; else the env alone. */
export async function auditDepsFromEnv(env: NodeJS.ProcessEnv): Promise<AuditDeps> {
  const s3 = () => sdkS3Objects(new S3Client({}));
  if (!env[CONFIG_ENV] && !env[CONFIG_SSM_PARAM_ENV]) return { sink: auditSinkFromEnv(env, s3) };
  const { audit } = await loadConfigFromEnv(env);
  const fromConfig = {
    ...(audit.bucket ? { AUDIT_BUCKET: audit.bucket } : {}),
    ...(audit.kmsKeyId ? { AUDIT_KMS_KEY_ID: audit.kmsKeyId } : {}),
    ...(audit.localDir ? { AUDIT_DIR: audit.localDir } : {}),
  };
  return { sink: auditSinkFromEnv({ ...env, ...fromConfig }, s3) };
}

/**
 * The audit Lambda handler, an EventBridge rule target: one event, one record. Invalid input and failed
 * writes throw, so EventBridge retries and then dead-letters the event: no decision that acted or notified
 * is lost without a trace. The deployed function and the demo both build it here.
 */
export function auditHandler(deps: () => Promise<AuditDeps>, logger: Logger, metrics: Metrics): (event: unknown, context: object) => Promise<AuditOutcome> {
  return middy()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(async (event: unknown) => {
      try {
        const env = EventEnvelope.safeParse(event);
        if (!env.success) throw new InvalidEventError('not an EventBridge event: "detail-type" and "detail" are required');
        const outcome = await auditEvent(env.data['detail-type'], env.data.detail, await deps());
        metrics.addMetric(outcome.result === 'written' ? 'AuditRecordsWritten' : 'AuditRecordsDuplicate', MetricUnit.Count, 1);
        logger.info('audit record', { ...outcome, eventId: env.data.id });
        return outcome;
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        if (e instanceof InvalidEventError) metrics.addMetric('AuditInvalidEvents', MetricUnit.Count, 1);
        else metrics.addMetric('AuditFailures', MetricUnit.Count, 1);
        logger.error('audit failed', { errorName: e.name, error: e.message });
        throw err;
      }
    }) as never;
}
