import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { asCounter, asLog, lambdaLogger, lambdaMetrics, WarmState } from '../src/runtime/aws.js';
import { sweep } from '../src/sweep/sweep.js';

const logger = lambdaLogger('sweep');
const metrics = lambdaMetrics('sweep');
const warm = new WarmState();

/** Scheduled: list, judge cheaply, enqueue the stuck or alert once. Throws if any cluster failed (alarmed). */
export const handler = middy()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .handler(async () => {
    metrics.addMetric('SweepRuns', MetricUnit.Count, 1);
    const config = await warm.config();
    const results = await sweep({
      config,
      portFor: warm.portFor(config),
      queue: warm.signalQueue(),
      publisher: warm.eventPublisher(),
      log: asLog(logger),
      metrics: asCounter(metrics),
    });
    return { clusters: results.map(({ cluster, candidates, stuck, enqueued, alert }) => ({ cluster, candidates, stuck, enqueued, alerted: !!alert })) };
  });
