import type { Transport } from './limits.js';
import type { WorkflowSignal } from './signal.js';

/** What a payload yields: Workflow references, and why any part of it yields none. */
export interface NormalizeResult {
  signals: WorkflowSignal[];
  ignored: { reason: string }[];
}

/** One event's outcome: a reference, or a recognised event about something that is not a Workflow. */
export type Outcome = { signal: WorkflowSignal } | { ignored: string };

/**
 * A wrapper's contents, each normalized in turn by the dispatcher. `via` is set by a wrapper that decides
 * the signal's source (EventBridge); a transparent one (an SQS record) leaves it to what it wraps.
 */
export interface Unwrapped {
  via?: 'eventbridge';
  /** `carrier`: the transport each item travelled in, which holds any JSON text inside it to its limit. */
  items: { where: string; payload: unknown; carrier?: Transport }[];
}

/** "a JSON array", "a JSON string"...: for reasons about a value that is not the object expected. */
export function describeJson(value: unknown): string {
  if (value === null) return 'JSON null';
  if (Array.isArray(value)) return 'a JSON array';
  if (typeof value === 'object') return 'a JSON object';
  return `a JSON ${typeof value}`;
}
