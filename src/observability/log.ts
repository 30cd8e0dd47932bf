/** The logging the use cases need; Powertools' Logger satisfies it, and so does a console or a test spy. */
export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

export type MetricUnitName = 'Count' | 'Seconds' | 'Bytes';

/** Where a value's unit is not a count, or the value names a Workflow (metadata, never a dimension). */
export interface MetricExtras {
  unit?: MetricUnitName;
  /** Searchable in Logs Insights, not a dimension: Workflow names and uids go here. */
  metadata?: Record<string, string>;
}

/**
 * Metrics by dimension, emitted as EMF by the Lambda adapters and collected in memory by the demo. Dimensions
 * stay low-cardinality (cluster, cause, action, pass); a gauge is a value per run, read with Maximum.
 */
export interface Counter {
  count(name: string, dimensions: Record<string, string>, value?: number, extras?: MetricExtras): void;
}

export const noCounter: Counter = { count() {} };
