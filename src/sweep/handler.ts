import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { asCounter, asLog } from '../observability/lambda.js';
import { sweep, type SweepDeps } from './sweep.js';

export interface SweepSummary {
  clusters: { cluster: string; candidates: number; stuck: number; enqueued: number; alerted: boolean }[];
}

/**
 * The sweep Lambda handler, run on a schedule: list, judge cheaply, enqueue the stuck or alert once. Throws
 * if any cluster failed (alarmed).
 */
export function sweepHandler(
  deps: () => Promise<Omit<SweepDeps, 'log' | 'metrics'>>,
  logger: Logger,
  metrics: Metrics,
): (event: unknown, context: object) => Promise<SweepSummary> {
  return middy()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(async () => {
      metrics.addMetric('SweepRuns', MetricUnit.Count, 1);
      const results = await sweep({ ...(await deps()), log: asLog(logger), metrics: asCounter(metrics) });
      return { clusters: results.map(({ cluster, candidates, stuck, enqueued, alert }) => ({ cluster, candidates, stuck, enqueued, alerted: !!alert })) };
    }) as never;
}
