// The AWS clients' request timeouts, on a loopback server that accepts every request and never answers: the
// stand-in for a PutEvents accepted but never answered. No AWS service is needed to hang; moto cannot.
import { createServer, type Server } from 'node:http';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AWS_MAX_ATTEMPTS, awsClientOptions } from '../../../src/aws/client-options.js';
import { PublishError } from '../../../src/bus/entry.js';
import { EventBridgePublisher } from '../../../src/bus/eventbridge-publisher.js';

let server: Server;
let endpoint: string;
let received = 0;

beforeAll(async () => {
  server = createServer(() => void received++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  endpoint = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

it('a PutEvents that is never answered ends in a PublishError listing the entry, after the SDK attempts', async () => {
  const client = new EventBridgeClient({ ...awsClientOptions(), endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const publisher = new EventBridgePublisher({ busName: 'bus', client, sleep: async () => {} });
  const entry = { source: 'argo-finalizer-remediator', detailType: 'Remediation Decision', detail: { i: 0 } };
  const err = (await publisher.publish([entry]).catch((e: unknown) => e)) as PublishError;
  expect(err).toBeInstanceOf(PublishError);
  expect(err.failed.map((f) => f.entry)).toEqual([entry]);
  expect(err.failed[0]!.code).toMatch(/Timeout/i);
  expect(received).toBe(AWS_MAX_ATTEMPTS);
}, 60_000);
