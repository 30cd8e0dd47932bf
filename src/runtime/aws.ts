import type { RemediatorConfig } from '../config/schema.js';
import type { ClusterPort } from '../kube/port.js';
import { portFor } from '../kube/port-for.js';
import { type ApprovalRuntime } from '../evaluate/approval.js';
import { approvalRuntimeFromConfig } from '../evaluate/approval-deps.js';
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

  private approvalRuntime?: Promise<ApprovalRuntime | undefined>;

  /**
   * What acting on Slack approvals needs, once per container; undefined without a Slack app. A failed read (the
   * button key) is not kept and never stops the signals: this invocation's approvals fail and are redelivered.
   */
  approvals(config: RemediatorConfig): Promise<ApprovalRuntime | undefined> {
    return (this.approvalRuntime ??= approvalRuntimeFromConfig(config, process.env).catch(() => {
      this.approvalRuntime = undefined;
      return undefined;
    }));
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
