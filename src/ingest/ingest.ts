import type { SignalQueue } from '../queue/signal-queue.js';
import { buildForwardedMessage, dedupe, LAMBDA_INVOCATION, normalizeParsed } from '../signals/index.js';

export interface IngestDeps {
  queue: SignalQueue;
  defaultCluster: string;
}

export interface IngestOutcome {
  enqueued: number;
  ignored: string[];
}

/**
 * Argo Events' awsLambda trigger calls this with the event (or the sensor's payload). It only normalizes
 * and enqueues references: the evaluate function does the reading and deciding, with the same batching,
 * caps and retries as for every other source. A payload that is not a Workflow event throws SignalRejected,
 * which the trigger reports as a failed invocation. Limits follow the transport (src/signals/limits.ts): the
 * invocation holds up to 6 MB (the trigger invokes synchronously unless told otherwise), and so may a body or
 * a base64 `data` inside it; depth is bounded as for text.
 */
export async function ingest(payload: unknown, deps: IngestDeps): Promise<IngestOutcome> {
  const result = normalizeParsed(payload, { defaultCluster: deps.defaultCluster, carrier: LAMBDA_INVOCATION });
  const signals = dedupe(result.signals);
  // The signal itself, source and reason included, so the decision says it came from Argo Events.
  await deps.queue.send(signals.map((s) => ({ body: JSON.stringify(buildForwardedMessage(s)) })));
  return { enqueued: signals.length, ignored: result.ignored.map((i) => i.reason) };
}
