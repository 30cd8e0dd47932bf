import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from 'vitest';
import { EnqueueError, MAX_DELAY_SECONDS } from '../../../src/queue/signal-queue.js';
import { sdkSendMessageBatch, SqsSignalQueue } from '../../../src/queue/sqs-queue.js';
import { withMoto } from '../../helpers/moto.js';

// The signals queue's adapter against moto's SQS: batching, delays, redrive and SQS's own size limit, over the
// real JSON protocol. Partial batch failures come from the moto proxy (moto never fails a valid entry).

const fx = withMoto();
let sqs: SQSClient;

beforeEach(async () => {
  await fx.moto.reset();
  sqs = new SQSClient(fx.moto.clientConfig);
});

async function queue(name: string, attributes: Record<string, string> = {}): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
}

async function drain(url: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 30, MessageSystemAttributeNames: ['All'] }),
    );
    if (!out.Messages?.length) return all;
    all.push(...out.Messages);
  }
}

const noSleep = async () => {};

describe('SqsSignalQueue on moto', () => {
  it('sends in batches of at most 10 and every message arrives once', async () => {
    const url = await queue('signals');
    const bodies = Array.from({ length: 23 }, (_, i) => JSON.stringify({ kind: 'afr.requeue/v1', i }));
    await new SqsSignalQueue(url, { sendBatch: sdkSendMessageBatch(sqs) }).send(bodies.map((body) => ({ body })));

    const batches = fx.moto.callsTo('AmazonSQS.SendMessageBatch').map((c) => (JSON.parse(c.body) as { Entries: unknown[] }).Entries.length);
    expect(batches).toEqual([10, 10, 3]);
    expect((await drain(url)).map((m) => m.Body).sort()).toEqual([...bodies].sort());
  });

  it('delays a message as asked, and clamps a delay beyond SQS 900 s maximum instead of failing', async () => {
    const url = await queue('delays');
    const q = new SqsSignalQueue(url, { sendBatch: sdkSendMessageBatch(sqs) });
    await q.send([{ body: 'later', delaySeconds: 2 }, { body: 'now' }, { body: 'capped', delaySeconds: 3600 }]);
    const sent = fx.moto.callsTo('AmazonSQS.SendMessageBatch').flatMap((c) => (JSON.parse(c.body) as { Entries: { MessageBody: string; DelaySeconds: number }[] }).Entries);
    expect(sent.map((e) => [e.MessageBody, e.DelaySeconds])).toEqual([['later', 2], ['now', 0], ['capped', MAX_DELAY_SECONDS]]);

    // moto keeps a delayed message invisible until its delay has passed.
    expect((await drain(url)).map((m) => m.Body)).toEqual(['now']);
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await drain(url)).map((m) => m.Body)).toEqual(['later']);
  });

  it('SQS itself refuses a delay over 900 s: the clamp is what keeps a long wait from failing the batch', async () => {
    const url = await queue('raw-delay');
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 }))).rejects.toThrow(/DelaySeconds/);
  });

  it('moves a message to the DLQ after maxReceiveCount receives', async () => {
    const dlq = await queue('signals-dlq');
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))).Attributes!['QueueArn']!;
    const url = await queue('signals-redrive', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
    await new SqsSignalQueue(url, { sendBatch: sdkSendMessageBatch(sqs) }).send([{ body: 'poison' }]);

    // Received and never deleted (a batch item failure), twice: the third receive finds it dead-lettered.
    const receiveOnce = async () =>
      ((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }))).Messages ?? []).map((m) => m.Body);
    expect(await receiveOnce()).toEqual(['poison']);
    expect(await receiveOnce()).toEqual(['poison']);
    expect(await receiveOnce()).toEqual([]);
    const dead = await drain(dlq);
    expect(dead.map((m) => m.Body)).toEqual(['poison']);
    expect(Number(dead[0]!.Attributes!['ApproximateReceiveCount'])).toBeGreaterThanOrEqual(1);
  });

  it('a message over SQS 1 MiB limit is refused by SQS, and the queue reports it rather than dropping it', async () => {
    const url = await queue('big');
    const q = new SqsSignalQueue(url, { sendBatch: sdkSendMessageBatch(sqs), sleep: noSleep });
    await q.send([{ body: 'x'.repeat(1024 * 1024) }]);
    const err = await q.send([{ body: 'x'.repeat(1024 * 1024 + 1) }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(/1048576|shorter|too long|BatchRequestTooLong|MessageTooLong/i);
    expect((await drain(url)).map((m) => m.Body!.length)).toEqual([1024 * 1024]);
  });

  it('retries only the entries SQS failed, and they arrive exactly once', async () => {
    const url = await queue('partial');
    fx.moto.faults.push({
      operation: 'AmazonSQS.SendMessageBatch',
      times: 1,
      failEntries: { pick: (e) => e['MessageBody'] === 'b', code: 'InternalError', message: 'try again' },
    });
    await new SqsSignalQueue(url, { sendBatch: sdkSendMessageBatch(sqs), sleep: noSleep }).send(['a', 'b', 'c'].map((body) => ({ body })));
    const attempts = fx.moto.callsTo('AmazonSQS.SendMessageBatch').map((c) => (JSON.parse(c.body) as { Entries: { MessageBody: string }[] }).Entries.map((e) => e.MessageBody));
    expect(attempts).toEqual([['a', 'b', 'c'], ['b']]);
    expect((await drain(url)).map((m) => m.Body).sort()).toEqual(['a', 'b', 'c']);
  });

  it('fails the send when SQS keeps failing an entry, and a sender fault at once', async () => {
    const url = await queue('refusing');
    fx.moto.faults.push({ operation: 'AmazonSQS.SendMessageBatch', failEntries: { pick: () => true, code: 'InternalError', message: 'down' } });
    const err = await new SqsSignalQueue(url, { sendBatch: sdkSendMessageBatch(sqs), sleep: noSleep }).send([{ body: 'a' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnqueueError);
    expect((err as Error).message).toBe('SendMessageBatch failed for 1 message(s) after 4 attempts (InternalError)');
    expect(fx.moto.callsTo('AmazonSQS.SendMessageBatch')).toHaveLength(4);

    fx.moto.faults.length = 0;
    fx.moto.calls.length = 0;
    fx.moto.faults.push({ operation: 'AmazonSQS.SendMessageBatch', failEntries: { pick: () => true, code: 'InvalidParameterValue', message: 'bad', senderFault: true } });
    await expect(new SqsSignalQueue(url, { sendBatch: sdkSendMessageBatch(sqs), sleep: noSleep }).send([{ body: 'a' }])).rejects.toThrow('SendMessageBatch rejected 1 message(s): InvalidParameterValue');
    expect(fx.moto.callsTo('AmazonSQS.SendMessageBatch')).toHaveLength(1);
  });
});
