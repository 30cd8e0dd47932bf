import * as z from 'zod';
import { parseBoundedJson } from './bounded-json.js';
import { SQS_MESSAGE } from './limits.js';
import { quote } from './rejected.js';
import { type Unwrapped } from './result.js';
import { isRecord } from '../domain/json.js';
import { parseOrReject } from './zod-reason.js';

/**
 * One SQS record as Lambda delivers it. `body` is a string, or
 * already an object when a caller parsed it.
 */
export const SqsRecord = z.looseObject({
  messageId: z.string().optional(),
  eventSource: z.literal('aws:sqs'),
  body: z.union([z.string(), z.looseObject({})]),
});
export type SqsRecord = z.infer<typeof SqsRecord>;

export const SqsEvent = z.looseObject({ Records: z.array(z.unknown()) });

export function isSqsRecord(input: Record<string, unknown>): boolean {
  return input['eventSource'] === 'aws:sqs' && Object.hasOwn(input, 'body');
}

/** Each record's body, labelled by its messageId so a rejection says which record to look at. */
export function unwrapSqsEvent(input: unknown): Unwrapped | { ignored: string } {
  const event = parseOrReject(SqsEvent, input, 'SQS event');
  if (event.Records.length === 0) return { ignored: 'SQS event has no records' };
  return { items: event.Records.map((record, index) => recordBody(record, `#${index}`)) };
}

export function unwrapSqsRecord(input: unknown): Unwrapped {
  return { items: [recordBody(input, '')] };
}

function recordBody(input: unknown, fallbackLabel: string): Unwrapped['items'][number] {
  const id = isRecord(input) && typeof input['messageId'] === 'string' ? quote(input['messageId'], 64) : fallbackLabel;
  const record = `SQS record${id === '' ? '' : ` ${id}`}`;
  const { body } = parseOrReject(SqsRecord, input, record);
  const where = `${record} body`;
  return { where, payload: typeof body === 'string' ? parseBoundedJson(body, where, SQS_MESSAGE) : body, carrier: SQS_MESSAGE };
}
