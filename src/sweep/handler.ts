import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { asCounter, asLog } from '../observability/lambda.js';
import { SWEEP_PASSES, sweep, type SweepDeps, type SweepPass } from './sweep.js';

export interface SweepSummary {
  pass: SweepPass;
  clusters: { cluster: string; candidates: number; stuck: number; enqueued: number; deferred: number; alerted: boolean; complete: boolean }[];
}

/**
 * The schedule's input names the pass (serverless.yml: a light schedule and a full one). Anything else, an
 * input without `pass` included (an older schedule, a manual test invoke), gets the full pass: slower, never
 * blind.
 */
export function passOf(event: unknown): SweepPass {
  const pass = typeof event === 'object' && event !== null ? (event as { pass?: unknown }).pass : undefined;
  return SWEEP_PASSES.find((p) => p === pass) ?? 'full';
}

/**
 * The shard a schedule names: `clusters: [name, ...]` in its input sweeps only those (one schedule per cluster
 * when one invocation cannot list them all in time). Absent: every cluster. Anything but a list of names is
 * refused, so a mistyped schedule fails loudly instead of sweeping nothing.
 */
export function clustersOf(event: unknown): string[] | undefined {
  const clusters = typeof event === 'object' && event !== null ? (event as { clusters?: unknown }).clusters : undefined;
  if (clusters === undefined) return undefined;
  if (!Array.isArray(clusters) || clusters.length === 0 || !clusters.every((c) => typeof c === 'string' && c !== '')) {
    throw new Error('the sweep\'s input `clusters` must be a non-empty list of cluster names');
  }
  return clusters as string[];
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
    .handler(async (event: unknown, context: Partial<Pick<Context, 'getRemainingTimeInMillis'>>) => {
      const pass = passOf(event);
      const clusters = clustersOf(event);
      metrics.addMetric('SweepRuns', MetricUnit.Count, 1);
      const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? { remainingMs: () => context.getRemainingTimeInMillis!() } : {};
      const results = await sweep({ ...(await deps()), pass, ...(clusters ? { clusters } : {}), ...remaining, log: asLog(logger), metrics: asCounter(metrics) });
      return {
        pass,
        clusters: results.map(({ cluster, candidates, stuck, enqueued, deferred, alert, complete }) => ({ cluster, candidates, stuck, enqueued, deferred, alerted: !!alert, complete })),
      };
    }) as never;
}
