import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { describeJson } from '../../../src/signals/result.js';
import { isSnsNotification, unwrapSnsNotification } from '../../../src/signals/sns-notification.js';
import { parseOrReject, schemaRejected } from '../../../src/signals/zod-reason.js';
import { rejection } from './reject.js';

// The words a rejected or ignored record is explained with: what an operator reads in the log and the DLQ.
describe('reasons', () => {
  it('names the JSON type of a value that is not the object expected (null and arrays are not "objects")', () => {
    expect([null, [], {}, 'x', 1, true].map(describeJson)).toEqual(['JSON null', 'a JSON array', 'a JSON object', 'a JSON string', 'a JSON number', 'a JSON boolean']);
  });

  it('a schema rejection names the subject, the path of the first issue and how many more there are', () => {
    const schema = z.object({ a: z.object({ b: z.string() }), c: z.number(), d: z.number() });
    const one = rejection(() => parseOrReject(schema, { a: { b: 1 }, c: 1, d: 1 }, 'SQS record'));
    expect(one.reason).toMatch(/^SQS record: a\.b: Invalid input: expected string, received number$/);
    const three = rejection(() => parseOrReject(schema, { a: { b: 1 } }, 'SQS record'));
    expect(three.reason).toMatch(/^SQS record: a\.b: .+ \(and 2 more\)$/);
  });

  it('an issue at the root has no path, and a ZodError without issues still gives a reason', () => {
    expect(rejection(() => parseOrReject(z.string(), 1, 'body')).reason).toBe('body: Invalid input: expected string, received number');
    expect(schemaRejected('body', new z.ZodError([])).reason).toBe('body: invalid');
  });

  it('hands back the parsed value when the input is valid', () => {
    expect(parseOrReject(z.object({ n: z.coerce.number() }), { n: '3' }, 'x')).toEqual({ n: 3 });
  });
});

describe('SNS notifications', () => {
  it('only a Notification that carries a Message is read as one (a subscription confirmation, or no Message, is not)', () => {
    expect(isSnsNotification({ Type: 'Notification', Message: '{}' })).toBe(true);
    expect(isSnsNotification({ Type: 'Notification' })).toBe(false);
    expect(isSnsNotification({ Type: 'SubscriptionConfirmation', Message: 'You have chosen to subscribe' })).toBe(false);
    expect(isSnsNotification({ Message: '{}' })).toBe(false);
  });

  it("a Message that is not JSON is rejected naming the notification's MessageId, and without one naming none", () => {
    expect(rejection(() => unwrapSnsNotification({ Type: 'Notification', MessageId: 'n-17', Message: 'not json' })).reason).toBe('SNS message "n-17" is not JSON');
    expect(rejection(() => unwrapSnsNotification({ Type: 'Notification', Message: 'not json' })).reason).toBe('SNS message is not JSON');
  });
});
