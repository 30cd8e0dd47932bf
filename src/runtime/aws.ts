import { EventBridgePublisher } from '../bus/eventbridge-publisher.js';
import { loadConfigFromEnv } from '../config/load.js';
import type { RemediatorConfig } from '../config/schema.js';
import type { ClusterPort } from '../kube/port.js';
import { portFor } from '../kube/port-for.js';
import { registerSecret } from '../observability/redact.js';
import { SqsSignalQueue } from '../queue/sqs-queue.js';

export { asCounter, asLog, lambdaLogger, lambdaMetrics } from '../observability/lambda.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set (serverless.yml sets it)`);
  return value;
}

/**
 * What stays warm between invocations: the configuration, one cluster adapter per cluster (with its cached EKS
 * token and rate limiter), and the AWS clients. Built lazily on the first event.
 */
export class WarmState {
  private ports = new Map<string, ClusterPort>();
  private publisher?: EventBridgePublisher;
  private queue?: SqsSignalQueue;

  async config(): Promise<RemediatorConfig> {
    const config = await loadConfigFromEnv(process.env);
    // Tokens must never be logged, whatever path an error takes.
    for (const c of config.clusters) if (c.auth.type === 'token') registerSecret(c.auth.token);
    return config;
  }

  portFor(config: RemediatorConfig): (cluster: string) => ClusterPort {
    return (name) => {
      let port = this.ports.get(name);
      if (!port) {
        const cluster = config.clusters.find((c) => c.name === name);
        if (!cluster) throw new Error(`cluster '${name}' is not configured`);
        port = portFor(cluster.auth);
        this.ports.set(name, port);
      }
      return port;
    };
  }

  eventPublisher(): EventBridgePublisher {
    return (this.publisher ??= new EventBridgePublisher({ busName: required('DECISION_BUS_NAME') }));
  }

  signalQueue(): SqsSignalQueue {
    return (this.queue ??= new SqsSignalQueue(required('SIGNALS_QUEUE_URL')));
  }
}
