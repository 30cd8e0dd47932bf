import type { RemediatorConfig } from '../config/schema.js';
import type { ClusterPort } from '../kube/port.js';
import { portFor } from '../kube/port-for.js';
import { AwsWarmState } from './aws-warm.js';
import { evidenceSinkFor } from '../evidence/config.js';
import type { EvidenceSink } from '../evidence/sink.js';

export { asCounter, asLog, lambdaLogger, lambdaMetrics } from '../observability/lambda.js';
export { AwsWarmState } from './aws-warm.js';

/**
 * What stays warm between invocations: the configuration, one cluster adapter per cluster (with its cached EKS
 * token and rate limiter), and the AWS clients. Built lazily on the first event.
 */
export class WarmState extends AwsWarmState {
  private ports = new Map<string, ClusterPort>();
  private evidence?: EvidenceSink;

  /** The audit bucket, where evaluate stores evidence bundles and intent records before each removal. */
  evidenceSink(config: RemediatorConfig): EvidenceSink {
    return (this.evidence ??= evidenceSinkFor(config.audit, process.env));
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
}
