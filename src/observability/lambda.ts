import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import type { Counter, Log } from './log.js';
import { redactingJsonReplacer } from './redact.js';

export const METRICS_NAMESPACE = 'ArgoFinalizerRemediator';

/** Structured JSON logs with every registered secret and token pattern redacted, whatever the call site. */
export function lambdaLogger(serviceName: string): Logger {
  return new Logger({ serviceName, jsonReplacerFn: redactingJsonReplacer });
}

/** EMF metrics in the product's namespace. */
export function lambdaMetrics(serviceName: string): Metrics {
  return new Metrics({ namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? METRICS_NAMESPACE, serviceName });
}

export function asLog(logger: Logger): Log {
  return {
    debug: (m, e) => logger.debug(m, e ?? {}),
    info: (m, e) => logger.info(m, e ?? {}),
    warn: (m, e) => logger.warn(m, e ?? {}),
    error: (m, e) => logger.error(m, e ?? {}),
  };
}

/** Each dimensioned count is its own EMF document: Powertools batches metrics sharing one dimension set only. */
export function asCounter(metrics: Metrics): Counter {
  return {
    count(name, dimensions, value = 1, extras = {}) {
      const single = metrics.singleMetric();
      single.addDimensions(dimensions);
      for (const [key, v] of Object.entries(extras.metadata ?? {})) single.addMetadata(key, v);
      single.addMetric(name, MetricUnit[extras.unit ?? 'Count'], value);
    },
  };
}
