import * as z from 'zod';
import { parseBoundedJson } from './bounded-json.js';
import { SNS_MESSAGE } from './limits.js';
import { quote } from './rejected.js';
import type { Unwrapped } from './result.js';
import { parseOrReject } from './zod-reason.js';

/**
 * An SNS notification as an SQS subscription without raw message delivery stores it: the publisher's text in
 * `Message`, wrapped with SNS's own fields (docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html,
 * "HTTP/HTTPS notification JSON format"; the same document is the SQS body). The exporter's `sns` receiver
 * publishes the EnhancedEvent JSON, or its layout, as `Message` (kubernetes-event-exporter pkg/sinks/sns.go 37-48).
 * The signature is not checked: the notification is a hint, and evaluate reads the live Workflow.
 */
export const SnsNotification = z.looseObject({
  Type: z.literal('Notification'),
  TopicArn: z.string().optional(),
  MessageId: z.string().optional(),
  Message: z.string(),
});

export function isSnsNotification(input: Record<string, unknown>): boolean {
  return input['Type'] === 'Notification' && Object.hasOwn(input, 'Message');
}

export function unwrapSnsNotification(input: unknown): Unwrapped {
  const note = parseOrReject(SnsNotification, input, 'SNS notification');
  const where = `SNS message${note.MessageId === undefined ? '' : ` ${quote(note.MessageId, 64)}`}`;
  return { items: [{ where, payload: parseBoundedJson(note.Message, where, SNS_MESSAGE), carrier: SNS_MESSAGE }] };
}
