import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from 'vitest';
import { PublishError } from '../../../src/bus/entry.js';
import { EventBridgePublisher } from '../../../src/bus/eventbridge-publisher.js';
import { withMoto } from '../../helpers/moto.js';

// The decision publisher against moto's EventBridge: a custom bus whose rule routes to an SQS queue, so what
// was published is read back from the queue as AWS delivers it (the EventBridge envelope as the body).
// moto spends about a second of CPU on each event it delivers to a target (it builds jsonpath parsers per
// event), so the rule only matches the entries marked `deliver`; the rest are checked on the wire.

const fx = withMoto();
let eb: EventBridgeClient;
let sqs: SQSClient;
let queueUrl: string;
const BUS = 'afr-test-bus';

beforeEach(async () => {
  await fx.moto.reset();
  eb = new EventBridgeClient(fx.moto.clientConfig);
  sqs = new SQSClient(fx.moto.clientConfig);
  await eb.send(new CreateEventBusCommand({ Name: BUS }));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'decisions' }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!['QueueArn']!;
  await eb.send(new PutRuleCommand({ Name: 'all-decisions', EventBusName: BUS, EventPattern: JSON.stringify({ source: ['argo-finalizer-remediator'], detail: { deliver: [true] } }) }));
  await eb.send(new PutTargetsCommand({ Rule: 'all-decisions', EventBusName: BUS, Targets: [{ Id: 'q', Arn: arn }] }));
});

async function delivered(): Promise<{ 'detail-type': string; source: string; detail: { i: number; deliver: boolean } }[]> {
  const all: Message[] = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    if (!out.Messages?.length) break;
    all.push(...out.Messages);
  }
  return all.map((m) => JSON.parse(m.Body!)).sort((a, b) => a.detail.i - b.detail.i);
}

const entry = (i: number, deliver = true) => ({ source: 'argo-finalizer-remediator', detailType: 'Remediation Decision', detail: { i, deliver } });
const publisher = () => new EventBridgePublisher({ busName: BUS, client: eb, sleep: async () => {} });
const sentEntries = () => fx.moto.callsTo('AWSEvents.PutEvents').map((c) => (JSON.parse(c.body) as { Entries: { Detail: string }[] }).Entries.map((e) => JSON.parse(e.Detail).i));

describe('EventBridgePublisher on moto', () => {
  it('publishes in chunks of 10 on the named bus, and the rule delivers each event once', async () => {
    const marked = [0, 9, 10, 22];
    await publisher().publish(Array.from({ length: 23 }, (_, i) => entry(i, marked.includes(i))));
    expect(sentEntries()).toEqual([Array.from({ length: 10 }, (_, i) => i), Array.from({ length: 10 }, (_, i) => i + 10), [20, 21, 22]]);
    const events = await delivered();
    expect(events.map((e) => e.detail.i)).toEqual(marked);
    expect(events.every((e) => e.source === 'argo-finalizer-remediator' && e['detail-type'] === 'Remediation Decision')).toBe(true);
  });

  it('moto answers a bad entry with FailedEntryCount and delivers the good ones: a partial failure is a 200', async () => {
    const out = await eb.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: BUS, Source: 'argo-finalizer-remediator', DetailType: 'Remediation Decision', Detail: '{"i":0,"deliver":true}' },
          { EventBusName: BUS, Source: 'argo-finalizer-remediator', DetailType: 'Remediation Decision', Detail: 'not json' },
        ],
      }),
    );
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries![1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect((await delivered()).map((e) => e.detail.i)).toEqual([0]);
  });

  it('retries only the entries PutEvents reported failed, and every event is delivered exactly once', async () => {
    fx.moto.faults.push({
      operation: 'AWSEvents.PutEvents',
      times: 1,
      failEntries: { pick: (_, index) => index === 1, code: 'ThrottlingException', message: 'Rate exceeded' },
    });
    await publisher().publish([entry(0), entry(1), entry(2)]);
    expect(sentEntries()).toEqual([[0, 1, 2], [1]]);
    expect((await delivered()).map((e) => e.detail.i)).toEqual([0, 1, 2]);
  });

  it('throws a PublishError naming the codes when an entry keeps failing, after the configured attempts', async () => {
    fx.moto.faults.push({ operation: 'AWSEvents.PutEvents', failEntries: { pick: (_, index) => index === 0, code: 'InternalFailure', message: 'x' } });
    const err = await publisher().publish([entry(0), entry(1)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as Error).message).toBe('PutEvents failed for 1 entry after 4 attempts (InternalFailure)');
    expect(sentEntries()).toEqual([[0, 1], [0], [0], [0]]);
    // The entry that succeeded the first time is delivered once; the one that never did, never.
    expect((await delivered()).map((e) => e.detail.i)).toEqual([1]);
  });

  it('refuses an event larger than EventBridge accepts before sending anything', async () => {
    const big = { source: 'argo-finalizer-remediator', detailType: 'Remediation Decision', detail: { i: 0, deliver: true, pad: 'x'.repeat(256 * 1024) } };
    await expect(publisher().publish([big])).rejects.toThrow(/larger than EventBridge accepts/);
    expect(fx.moto.callsTo('AWSEvents.PutEvents')).toHaveLength(0);
  });

  it('a chunk whose request fails does not stop the others; the PublishError lists exactly the entries not taken', async () => {
    // Three answers of 500: the SDK's own attempts at the first chunk; the second chunk goes through.
    fx.moto.faults.push({ operation: 'AWSEvents.PutEvents', times: 3, error: { status: 500, code: 'InternalException', message: 'down' } });
    const entries = Array.from({ length: 12 }, (_, i) => entry(i, i === 11));
    const err = (await publisher().publish(entries).catch((e: unknown) => e)) as PublishError;
    expect(err).toBeInstanceOf(PublishError);
    expect(err.failed.map((f) => (f.entry.detail as { i: number }).i)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(err.failed[0]!.code).toBe('InternalException');
    expect((await delivered()).map((e) => e.detail.i)).toEqual([11]);
  });
});
