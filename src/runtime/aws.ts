import type { RemediatorConfig } from '../config/schema.js';
import type { ClusterPort } from '../kube/port.js';
import { portFor, type PortForOptions } from '../kube/port-for.js';
import { finishingConfigured } from '../config/finishing.js';
import type { ApprovalRuntime } from '../evaluate/approval.js';
import { evidenceTarget } from '../evidence/location.js';
import type { EvidenceSink } from '../evidence/sink.js';
import type { FinishingWiring } from '../finishing/after-notify.js';
import { AwsWarmState } from './aws-warm.js';
import { builtOnFirstCall, Warm } from './warm.js';

export { asCounter, asLog, lambdaLogger, lambdaMetrics } from '../observability/lambda.js';
export { AwsWarmState } from './aws-warm.js';

/**
 * Kubernetes requests from a function: 5 s an attempt, three attempts, a Retry-After honoured up to 5 s, so a
 * stalled API server costs one Workflow at most about 20 s of the evaluate function's 60 s (serverless.yml) and
 * the batch still publishes what it decided. The CLI keeps its own defaults and --request-timeout.
 */
export const FUNCTION_KUBE_REQUESTS: PortForOptions = { timeoutMs: 5_000, retry: { attempts: 3, capMs: 2_000, maxRetryAfterMs: 5_000 } };

/**
 * What stays warm between invocations: the configuration, one cluster adapter per cluster (with its cached EKS
 * token and rate limiter), and the AWS clients. Built lazily on the first event.
 */
export class WarmState extends AwsWarmState {
  private ports = new Map<string, ClusterPort>();
  private evidence?: EvidenceSink;

  /**
   * The audit bucket, where evaluate stores evidence bundles and intent records before each removal. Its S3
   * adapter (and the SDK) loads on the sink's first call: only a removal, a finishing action or a recovery calls it.
   */
  evidenceSink(config: RemediatorConfig): EvidenceSink {
    return (this.evidence ??= {
      location: evidenceTarget(config.audit, process.env).location,
      ...builtOnFirstCall(async () => (await s3Side()).evidenceSinkFor(config.audit, process.env), ['putIfAbsent', 'get', 'list']),
    });
  }

  private finishingWiring?: { wiring: FinishingWiring | undefined };

  /**
   * The artifact buckets (and the daily caps) finishing GC needs, once per container; undefined when the
   * configuration turns every finishing action off, and then evaluate never attempts one. Built, S3 SDK and
   * all, on the first finishing action.
   */
  finishing(config: RemediatorConfig): FinishingWiring | undefined {
    return (this.finishingWiring ??= {
      wiring: finishingConfigured(config) ? lazyFinishingWiring(async () => (await s3Side()).finishingWiringFromEnv(config, process.env)!) : undefined,
    }).wiring;
  }

  private approvalRuntime?: Promise<ApprovalRuntime | undefined>;

  /**
   * What acting on Slack approvals needs, once per container, built on the first approval that arrives;
   * undefined without a Slack app. A failure (the button key unreadable, the S3 code not loaded) is not kept, so
   * the next approval tries again; it rejects, and evaluate fails only this invocation's approvals, with its reason.
   */
  approvals(config: RemediatorConfig): Promise<ApprovalRuntime | undefined> {
    return (this.approvalRuntime ??= s3Side()
      .then((m) => m.approvalRuntimeFromConfig(config, process.env))
      .catch((err: unknown) => {
        this.approvalRuntime = undefined;
        throw err;
      }));
  }

  portFor(config: RemediatorConfig): (cluster: string) => ClusterPort {
    return (name) => {
      let port = this.ports.get(name);
      if (!port) {
        const cluster = config.clusters.find((c) => c.name === name);
        if (!cluster) throw new Error(`cluster '${name}' is not configured`);
        port = portFor(cluster.auth, FUNCTION_KUBE_REQUESTS);
        this.ports.set(name, port);
      }
      return port;
    };
  }
}

/**
 * The S3 side (src/runtime/aws-s3.ts), imported on first use: ~330 KiB of SDK that every cold start would
 * otherwise parse, for the few invocations that remove, finish or act on an approval (bench/README.md, cold start).
 */
const s3Side = () => import('./aws-s3.js');

function lazyFinishingWiring(build: () => Promise<FinishingWiring>): FinishingWiring {
  const wiring = new Warm(build);
  return {
    bucket: builtOnFirstCall(async () => (await wiring.get()).bucket, ['head', 'list', 'delete']),
    ledger: builtOnFirstCall(async () => (await wiring.get()).ledger, ['reserve']),
  };
}
