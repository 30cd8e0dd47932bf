import { EventBridgePublisher } from '../bus/eventbridge-publisher.js';
import { loadConfigFromEnv } from '../config/load.js';
import type { RemediatorConfig } from '../config/schema.js';
import { registerSecret } from '../observability/redact.js';
import { sdkSendMessageBatch, SqsSignalQueue } from '../queue/sqs-queue.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set (serverless.yml sets it)`);
  return value;
}

/**
 * The warm state of a function that never talks to a cluster: the configuration and the AWS clients, built
 * lazily on the first event. Kept apart from WarmState so such bundles leave @kubernetes/client-node out,
 * which is most of a cold start.
 */
export class AwsWarmState {
  private publisher?: EventBridgePublisher;
  private queue?: SqsSignalQueue;

  async config(): Promise<RemediatorConfig> {
    const config = await loadConfigFromEnv(process.env);
    // Tokens must never be logged, whatever path an error takes.
    for (const c of config.clusters) if (c.auth.type === 'token') registerSecret(c.auth.token);
    return config;
  }

  eventPublisher(): EventBridgePublisher {
    return (this.publisher ??= new EventBridgePublisher({ busName: required('DECISION_BUS_NAME') }));
  }

  signalQueue(): SqsSignalQueue {
    return (this.queue ??= new SqsSignalQueue(required('SIGNALS_QUEUE_URL'), { sendBatch: sdkSendMessageBatch() }));
  }
}
