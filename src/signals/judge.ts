import { parseBoundedJson } from './bounded-json.js';
import { LAMBDA_INVOCATION, SQS_MESSAGE } from './limits.js';
import { normalize, type NormalizeContext } from './normalize.js';
import { quote, rejectedWithin, SignalRejected } from './rejected.js';
import { isRecord } from '../domain/json.js';
import type { NormalizeResult } from './result.js';
import type { WorkflowSignal } from './signal.js';
import { isSqsRecord } from './sqs.js';

/** One SQS record as evaluate reads it: its messageId and its body (text, or what event-normalizer parsed). */
export interface InboundRecord {
  id: string;
  body: unknown;
}

export type RecordJudgement = ({ rejected?: undefined } & NormalizeResult) | { rejected: SignalRejected };

/**
 * What one SQS record yields, judged alone: the body held to the 1 MiB an SQS message carries. evaluate
 * runs this on each record it receives, and `explain-event` on each record of a batch it is shown, so
 * both say the same thing about the same bytes.
 */
export function judgeRecord(record: InboundRecord, ctx: Omit<NormalizeContext, 'carrier'>): RecordJudgement {
  const where = `${recordLabel(record.id)} body`;
  try {
    const input = typeof record.body === 'string' ? parseBoundedJson(record.body, where, SQS_MESSAGE) : record.body;
    return rejectedWithin(where, () => normalize(input, { ...ctx, carrier: SQS_MESSAGE }));
  } catch (err) {
    if (err instanceof SignalRejected) return { rejected: err };
    throw err;
  }
}

/** What `explain-event -o json` prints (README.md, explain-event). */
export interface Judgement {
  signals: WorkflowSignal[];
  ignored: { reason: string }[];
  rejected: { messageId: string; reason: string }[];
}

/**
 * A whole input as the pipeline would take it, as a Lambda invocation (6 MB) carries it. An SQS event or
 * record is judged record by record, exactly as evaluate does (judgeRecord): one unreadable record (the
 * console's test message) is rejected alone and the others still count. Any other payload is judged whole.
 * Throws SignalRejected only when nothing can be read: not JSON, not an envelope, or a single payload that is
 * rejected.
 */
export function judgeText(text: string, ctx: Omit<NormalizeContext, 'carrier'>): Judgement {
  return judge(parseBoundedJson(text, 'input', LAMBDA_INVOCATION), ctx);
}

export function judge(input: unknown, ctx: Omit<NormalizeContext, 'carrier'>): Judgement {
  const records = sqsRecords(input);
  if (records === undefined) return { ...normalize(input, { ...ctx, carrier: LAMBDA_INVOCATION }), rejected: [] };
  const out: Judgement = { signals: [], ignored: [], rejected: [] };
  if (records.length === 0) out.ignored.push({ reason: 'SQS event has no records' });
  records.forEach((record, index) => {
    const messageId = isRecord(record) && typeof record['messageId'] === 'string' ? record['messageId'] : `#${index}`;
    const label = recordLabel(messageId);
    if (!isRecord(record) || !isSqsRecord(record)) {
      out.rejected.push({ messageId, reason: `${label} is not an SQS record (expected eventSource "aws:sqs" and a body)` });
      return;
    }
    const verdict = judgeRecord({ id: messageId, body: record['body'] }, ctx);
    if (verdict.rejected) {
      out.rejected.push({ messageId, reason: verdict.rejected.reason });
      return;
    }
    out.signals.push(...verdict.signals);
    out.ignored.push(...verdict.ignored.map(({ reason }) => ({ reason: `${label} body: ${reason}` })));
  });
  return out;
}

/** `SQS record "059f36b4-…"`, or `SQS record #2` for one without a messageId. */
function recordLabel(id: string): string {
  return `SQS record ${/^#\d+$/.test(id) ? id : quote(id, 64)}`;
}

/** The records of an SQS event (`Records` an array) or a lone record; undefined for anything else. */
function sqsRecords(input: unknown): unknown[] | undefined {
  if (!isRecord(input)) return undefined;
  if (Array.isArray(input['Records'])) return input['Records'];
  if (isSqsRecord(input)) return [input];
  return undefined;
}
