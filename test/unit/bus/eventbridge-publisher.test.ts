// EventBridge cannot run here, so PutEvents is mocked with aws-sdk-client-mock; the SDK's own request
// building still runs.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PublishError } from '../../../src/bus/entry.js';
import { EventBridgePublisher } from '../../../src/bus/eventbridge-publisher.js';

const eb = mockClient(EventBridgeClient);
const entry = (i: number) => ({ source: 'argo-finalizer-remediator', detailType: 'Remediation Decision', detail: { i } });
const publisher = () => new EventBridgePublisher({ busName: 'bus', client: new EventBridgeClient({ region: 'eu-west-1' }), sleep: async () => {} });

describe('EventBridgePublisher', () => {
  beforeEach(() => eb.reset());

  it('sends in chunks of 10 with the bus name', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    await publisher().publish(Array.from({ length: 23 }, (_, i) => entry(i)));
    const calls = eb.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries!.length)).toEqual([10, 10, 3]);
    expect(calls[0]!.args[0].input.Entries![0]).toEqual({ EventBusName: 'bus', Source: 'argo-finalizer-remediator', DetailType: 'Remediation Decision', Detail: '{"i":0}' });
  });

  it('retries only the entries that failed (FailedEntryCount), then succeeds', async () => {
    eb.on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }, { EventId: 'c' }] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    await publisher().publish([entry(0), entry(1), entry(2)]);
    const calls = eb.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.Entries!.map((e) => e.Detail)).toEqual(['{"i":1}']);
  });

  it('throws a PublishError naming the error codes when entries keep failing', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }] });
    const err = await publisher().publish([entry(0)]).catch((e) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect(err.message).toBe('PutEvents failed for 1 entry after 4 attempts (InternalFailure)');
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(4);
  });
});
