import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { asCounter, asLog } from '../runtime/aws.js';
import { type EvaluateDeps, evaluateBatch } from './evaluate-batch.js';

/**
 * The evaluate Lambda handler: SQS batch -> one evaluation per distinct Workflow -> decision events, with
 * failed records reported alone (ReportBatchItemFailures). The deployed function and the local pipeline both
 * build it here; only where the dependencies come from differs.
 */
export function evaluateHandler(
  deps: () => Promise<Omit<EvaluateDeps, 'log' | 'metrics' | 'remainingMs'>>,
  logger: Logger,
  metrics: Metrics,
): (event: SQSEvent, context: object) => Promise<SQSBatchResponse> {
  return middy<SQSEvent>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(
      sqsPartialBatchFailure({
        logger: (reason, record) => logger.warn('record failed', { messageId: record.messageId, reason: String((reason as Error)?.message ?? reason) }),
      }),
    )
    .handler(async (event, context: Partial<Pick<Context, 'getRemainingTimeInMillis'>>) => {
      metrics.addMetric('RecordsReceived', MetricUnit.Count, event.Records.length);
      // Lambda discards the sandbox at the timeout: the batch stops starting Workflows it could not finish.
      const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? { remainingMs: () => context.getRemainingTimeInMillis!() } : {};
      const report = await evaluateBatch(
        event.Records.map((r) => ({ id: r.messageId, body: r.body, receiveCount: Number(r.attributes?.ApproximateReceiveCount ?? 1) || 1 })),
        { ...(await deps()), ...remaining, log: asLog(logger), metrics: asCounter(metrics) },
      );
      return report.results;
    }) as never;
}
