import { SignalRejected } from './rejected.js';

/**
 * What one transport can carry (README.md, "What each forwarder sends"): each piece of a payload is held to the limit of the transport
 * that carried it, never to one guess for the whole input. The figures are AWS's own:
 * - EventBridge: a PutEvents entry (Detail, DetailType, Source, Resources, Time) is at most 256 KiB
 *   (docs.aws.amazon.com/AmazonCloudWatch/latest/events/CalculatePutEventsEntrySize.html).
 * - SNS: a message is at most 256 KiB ("Amazon SNS endpoints and quotas",
 *   docs.aws.amazon.com/general/latest/gr/sns.html).
 * - SQS: a message is at most 1 MiB, 1,048,576 bytes, when the queue's MaximumMessageSize allows it
 *   (serverless.yml sets it so).
 * - Lambda, synchronous invocation (Argo Events' awsLambda trigger, whose default InvocationType is
 *   RequestResponse) and the event an SQS event source delivers: 6 MB, enforced as 6,291,456 bytes
 *   ("Request must be smaller than 6291456 bytes for the InvokeFunction operation").
 */
export interface Transport {
  /** How a reason names it: "an SQS message". */
  name: string;
  maxBytes: number;
}

export const EVENTBRIDGE_EVENT: Transport = { name: 'an EventBridge event', maxBytes: 256 * 1024 };
export const SNS_MESSAGE: Transport = { name: 'an SNS message', maxBytes: 256 * 1024 };
export const SQS_MESSAGE: Transport = { name: 'an SQS message', maxBytes: 1024 * 1024 };
export const LAMBDA_INVOCATION: Transport = { name: 'a synchronous Lambda invocation', maxBytes: 6 * 1024 * 1024 };

/** Every transport, smallest first: the table README.md and src/signals/README.md print. */
export const TRANSPORTS = [EVENTBRIDGE_EVENT, SNS_MESSAGE, SQS_MESSAGE, LAMBDA_INVOCATION] as const;

/**
 * An EnhancedEvent nests 4 deep and a Workflow body about 20; deeper input is hostile or broken. Held per
 * JSON document, and wrappers nest at most a few levels (normalize.ts), so the whole stays bounded.
 */
export const MAX_JSON_DEPTH = 64;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes.toLocaleString('en')} bytes`;
}

/** "SQS record "m3" body is 1,100,000 bytes, more than an SQS message holds (1 MiB)". */
export function tooLarge(what: string, bytes: number | undefined, transport: Transport): SignalRejected {
  const size = bytes === undefined ? '' : ` ${bytes.toLocaleString('en')} bytes,`;
  return new SignalRejected(`${what} is${size} more than ${transport.name} holds (${formatBytes(transport.maxBytes)})`);
}

/**
 * The UTF-8 size of `value` as JSON, and a rejection if it is more than `transport` carries or nests deeper
 * than MAX_JSON_DEPTH. Iterative with an early stop, so an already-parsed hostile object (what Lambda hands
 * `ingest`) costs one bounded walk and never a deep recursion.
 */
export function measureJson(value: unknown, what: string, transport: Transport): number {
  let bytes = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (v !== null && typeof v === 'object') {
      if (depth + 1 > MAX_JSON_DEPTH) throw new SignalRejected(`${what} nests deeper than ${MAX_JSON_DEPTH} levels`);
      if (Array.isArray(v)) {
        bytes += 2 + Math.max(0, v.length - 1);
        for (const item of v) stack.push({ value: item === undefined ? null : item, depth: depth + 1 });
      } else {
        const entries = Object.entries(v).filter(([, item]) => item !== undefined && typeof item !== 'function');
        bytes += 2 + Math.max(0, entries.length - 1);
        for (const [key, item] of entries) {
          bytes += stringBytes(key) + 1;
          stack.push({ value: item, depth: depth + 1 });
        }
      }
    } else if (typeof v === 'string') {
      bytes += stringBytes(v);
    } else {
      bytes += (JSON.stringify(v) ?? 'null').length;
    }
    if (bytes > transport.maxBytes) throw tooLarge(what, undefined, transport);
  }
  return bytes;
}

function stringBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8');
}
