// The ingest Lambda handler, as Argo Events' awsLambda trigger calls it. SQS cannot run here: its client is
// stubbed with aws-sdk-client-mock; the payloads are the real-shaped fixtures.
import { readFileSync } from 'node:fs';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearConfigCache } from '../../../src/config/load.js';

const sqs = mockClient(SQSClient);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/events/${name}`, import.meta.url), 'utf8'));
let handler: (event: unknown, context: object) => Promise<{ enqueued: number; ignored: string[] }>;

beforeAll(async () => {
  process.env['AFR_CONFIG'] = JSON.stringify({ clusters: [{ name: 'prod', auth: { type: 'kubeconfig' } }] });
  process.env['SIGNALS_QUEUE_URL'] = 'https://sqs.eu-west-1.amazonaws.com/123456789012/signals';
  process.env['AWS_REGION'] = 'eu-west-1';
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  clearConfigCache();
  handler = (await import('../../../functions/ingest.js')).handler as never;
});
afterAll(() => {
  for (const k of ['AFR_CONFIG', 'SIGNALS_QUEUE_URL']) delete process.env[k];
});
beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
});
const sent = () => sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []).map((e) => JSON.parse(e.MessageBody!));

describe('ingest handler (Argo Events awsLambda target)', () => {
  it.each(['argo-events-resource-update.json', 'argo-events-cloudevent-base64.json', 'argo-events-whole-event-base64.json'])(
    'enqueues one reference for %s',
    async (name) => {
      const out = await handler(fixture(name), {});
      expect(out.enqueued).toBe(1);
      expect(sent()).toEqual([expect.objectContaining({ kind: 'afr.forwarded/v1', source: 'argo-events', namespace: expect.any(String), name: expect.any(String) })]);
      // evaluate reads it back as the same signal, provenance kept.
      const { normalize } = await import('../../../src/signals/index.js');
      expect(normalize(sent()[0], { defaultCluster: 'x' }).signals[0]).toMatchObject({ source: 'argo-events' });
    },
  );

  it('a payload about something else is acknowledged with its reason and enqueues nothing', async () => {
    const out = await handler(fixture('workflowtemplate-event.json'), {});
    expect(out).toEqual({ enqueued: 0, ignored: [expect.stringMatching(/WorkflowTemplate/)] });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('a malformed payload fails the invocation (Lambda retries, then the on-failure destination keeps it)', async () => {
    await expect(handler(fixture('unknown-shape.json'), {})).rejects.toThrow(/matches no supported shape/);
    await expect(handler(fixture('invalid-name-uppercase.json'), {})).rejects.toThrow(/DNS-1123/);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('a queue that keeps refusing fails the invocation instead of dropping the reference', async () => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });
    await expect(handler(fixture('argo-events-resource-update.json'), {})).rejects.toThrow(/SendMessageBatch failed for 1 message/);
  });
});
