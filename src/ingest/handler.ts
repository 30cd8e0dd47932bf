import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { ingest, type IngestDeps, type IngestOutcome } from './ingest.js';

/** The ingest Lambda handler, target of Argo Events' awsLambda trigger: normalize and enqueue. */
export function ingestHandler(deps: () => Promise<IngestDeps>, logger: Logger): (event: unknown, context: object) => Promise<IngestOutcome> {
  return middy()
    .use(injectLambdaContext(logger))
    .handler(async (event: unknown) => {
      const out = await ingest(event, await deps());
      logger.info('ingested', { enqueued: out.enqueued, ignored: out.ignored });
      return out;
    }) as never;
}
