import { ingestHandler } from '../src/ingest/handler.js';
import { lambdaLogger } from '../src/observability/lambda.js';
// Not WarmState: ingest never talks to a cluster, and @kubernetes/client-node is most of a cold start.
import { AwsWarmState } from '../src/runtime/aws-warm.js';

const warm = new AwsWarmState();

/** Evaluation happens behind the queue, with the same batching, caps and retries as for every other source. */
export const handler = ingestHandler(async () => {
  const config = await warm.config();
  return { queue: warm.signalQueue(), defaultCluster: config.clusters[0]!.name };
}, lambdaLogger('ingest'));
