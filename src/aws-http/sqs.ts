import type { SendMessageBatch } from '../queue/sqs-queue.js';
import { endpointOverride, type SignedRequestOptions, signedRequest, jsonAnswer } from './signed-request.js';

/**
 * SendMessageBatch in SQS's JSON protocol (what the SDK speaks), to the queue URL's own host as the SDK does
 * (its useQueueUrlAsEndpoint), unless an endpoint override is set.
 */
export function signedSendMessageBatch(o: SignedRequestOptions = {}): SendMessageBatch {
  return async (input) => {
    const env = o.env ?? process.env;
    const url = new URL(`${endpointOverride(env, 'SQS') ?? new URL(input.QueueUrl).origin}/`);
    const res = await signedRequest(
      {
        service: 'SQS',
        signingName: 'sqs',
        operation: 'SendMessageBatch',
        method: 'POST',
        url,
        // query-mode: SQS names errors with their query-protocol codes (x-amzn-query-error), as for the SDK.
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessageBatch', 'x-amzn-query-mode': 'true' },
        body: JSON.stringify(input),
      },
      o,
    );
    const out = jsonAnswer<{ Failed?: { Id: string; Code?: string; SenderFault?: boolean; Message?: string }[] }>(res, 'SQS', 'SendMessageBatch');
    return { Failed: out.Failed ?? [] };
  };
}
