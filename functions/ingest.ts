import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { ingest } from '../src/ingest/ingest.js';
import { lambdaLogger, WarmState } from '../src/runtime/aws.js';

const logger = lambdaLogger('ingest');
const warm = new WarmState();

/** Target of Argo Events' awsLambda trigger: normalize and enqueue; evaluation happens behind the queue. */
export const handler = middy()
  .use(injectLambdaContext(logger))
  .handler(async (event: unknown) => {
    const config = await warm.config();
    const out = await ingest(event, { queue: warm.signalQueue(), defaultCluster: config.clusters[0]!.name });
    logger.info('ingested', { enqueued: out.enqueued, ignored: out.ignored });
    return out;
  });
