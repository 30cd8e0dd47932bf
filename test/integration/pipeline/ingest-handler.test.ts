// The ingest Lambda handler, as Argo Events' awsLambda trigger calls it, on real-shaped fixtures; the signals
// queue is moto's SQS, reached by the client the handler builds from the environment, as in Lambda.
import { readFileSync } from 'node:fs';
import { CreateQueueCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearConfigCache } from '../../../src/config/load.js';
import { withMoto } from '../../helpers/moto.js';

const fx = withMoto();
let sqs: SQSClient;
let queueUrl: string;
const saved = { ...process.env };
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/events/${name}`, import.meta.url), 'utf8'));
let handler: (event: unknown, context: object) => Promise<{ enqueued: number; ignored: string[] }>;

beforeAll(async () => {
  sqs = new SQSClient(fx.moto.clientConfig);
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'signals' }))).QueueUrl!;
  Object.assign(process.env, fx.moto.env);
  process.env['AFR_CONFIG'] = JSON.stringify({ clusters: [{ name: 'prod', auth: { type: 'kubeconfig' } }] });
  process.env['SIGNALS_QUEUE_URL'] = queueUrl;
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  clearConfigCache();
  handler = (await import('../../../functions/ingest.js')).handler as never;
});
afterAll(() => {
  process.env = saved;
});
let received: Message[] = [];
beforeEach(async () => {
  fx.moto.calls.length = 0;
  fx.moto.faults.length = 0;
  received = [];
});
/** What is on the queue now (drained, so each test sees its own). */
async function sent(): Promise<Record<string, unknown>[]> {
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
    if (!out.Messages?.length) break;
    received.push(...out.Messages);
  }
  return received.map((m) => JSON.parse(m.Body!) as Record<string, unknown>);
}
const batches = () => fx.moto.callsTo('AmazonSQS.SendMessageBatch');

describe('ingest handler (Argo Events awsLambda target)', () => {
  it.each(['argo-events-resource-update.json', 'argo-events-cloudevent-base64.json', 'argo-events-whole-event-base64.json'])(
    'enqueues one reference for %s',
    async (name) => {
      const out = await handler(fixture(name), {});
      expect(out.enqueued).toBe(1);
      const messages = await sent();
      expect(messages).toEqual([expect.objectContaining({ kind: 'afr.forwarded/v1', source: 'argo-events', namespace: expect.any(String), name: expect.any(String) })]);
      // evaluate reads it back as the same signal, provenance kept.
      const { normalize } = await import('../../../src/signals/index.js');
      expect(normalize(messages[0], { defaultCluster: 'x' }).signals[0]).toMatchObject({ source: 'argo-events' });
    },
  );

  it('a payload about something else is acknowledged with its reason and enqueues nothing', async () => {
    const out = await handler(fixture('workflowtemplate-event.json'), {});
    expect(out).toEqual({ enqueued: 0, ignored: [expect.stringMatching(/WorkflowTemplate/)] });
    expect(batches()).toHaveLength(0);
    expect(await sent()).toEqual([]);
  });

  it('a malformed payload fails the invocation (Lambda retries, then the on-failure destination keeps it)', async () => {
    await expect(handler(fixture('unknown-shape.json'), {})).rejects.toThrow(/matches no supported shape/);
    await expect(handler(fixture('invalid-name-uppercase.json'), {})).rejects.toThrow(/DNS-1123/);
    expect(batches()).toHaveLength(0);
    expect(await sent()).toEqual([]);
  });

  it('a queue that keeps refusing fails the invocation instead of dropping the reference', async () => {
    fx.moto.faults.push({ operation: 'AmazonSQS.SendMessageBatch', failEntries: { pick: () => true, code: 'InternalError', message: 'down' } });
    await expect(handler(fixture('argo-events-resource-update.json'), {})).rejects.toThrow(/SendMessageBatch failed for 1 message/);
    expect(await sent()).toEqual([]);
  });
});
