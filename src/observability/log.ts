/** The logging the use cases need; Powertools' Logger satisfies it, and so does a console or a test spy. */
export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** Counters by dimension, emitted as EMF by the Lambda adapters and collected in memory by the demo. */
export interface Counter {
  count(name: string, dimensions: Record<string, string>, value?: number): void;
}

export const noCounter: Counter = { count() {} };
