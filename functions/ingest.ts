import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { ingest } from '../src/ingest/ingest.js';
import { lambdaLogger } from '../src/observability/lambda.js';
// Not WarmState: ingest never talks to a cluster, and @kubernetes/client-node is most of a cold start.
import { AwsWarmState } from '../src/runtime/aws-warm.js';

const logger = lambdaLogger('ingest');
const warm = new AwsWarmState();

/** Target of Argo Events' awsLambda trigger: normalize and enqueue; evaluation happens behind the queue. */
export const handler = middy()
  .use(injectLambdaContext(logger))
  .handler(async (event: unknown) => {
    const config = await warm.config();
    const out = await ingest(event, { queue: warm.signalQueue(), defaultCluster: config.clusters[0]!.name });
    logger.info('ingested', { enqueued: out.enqueued, ignored: out.ignored });
    return out;
  });
