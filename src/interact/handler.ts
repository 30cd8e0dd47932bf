import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { asCounter, asLog } from '../observability/lambda.js';
import { handleInteraction, type InteractDeps, type InteractRequest } from './interact.js';

/** A Lambda function URL event (payload format 2.0) as the use case reads it. */
export function requestFromFunctionUrl(event: APIGatewayProxyEventV2): InteractRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
  return {
    method: event.requestContext?.http?.method ?? 'POST',
    headers,
    body: event.body,
    isBase64Encoded: event.isBase64Encoded === true,
  };
}

/**
 * The interact Lambda handler behind the function URL. If its dependencies cannot be built (configuration or
 * secrets unreadable) it refuses with 503: without a signing secret nothing can be verified, so nothing passes.
 */
export function interactHandler(
  deps: () => Promise<Omit<InteractDeps, 'log' | 'metrics'>>,
  logger: Logger,
  metrics: Metrics,
): (event: APIGatewayProxyEventV2, context: object) => Promise<APIGatewayProxyStructuredResultV2> {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(async (event) => {
      metrics.addMetric('InteractionsReceived', MetricUnit.Count, 1);
      let d: Omit<InteractDeps, 'log' | 'metrics'>;
      try {
        d = await deps();
      } catch (err) {
        logger.error('interact not configured', { errorName: (err as Error).name, error: (err as Error).message });
        return { statusCode: 503, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Slack interactivity is not available\n' };
      }
      return handleInteraction(requestFromFunctionUrl(event), { ...d, log: asLog(logger), metrics: asCounter(metrics) });
    }) as never;
}
