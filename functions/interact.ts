import { interactDepsFromEnv } from '../src/interact/config.js';
import { interactHandler } from '../src/interact/handler.js';
import { lambdaLogger, lambdaMetrics } from '../src/observability/lambda.js';
import { Warm } from '../src/runtime/warm.js';

// No cluster client here: interact only verifies, records and enqueues; evaluate re-reads the live Workflow.
const deps = new Warm(() => interactDepsFromEnv(process.env));

/** Slack's Interactivity Request URL (a Lambda function URL, AuthType NONE): verify, authorise, record, enqueue. */
export const handler = interactHandler(() => deps.get(), lambdaLogger('interact'), lambdaMetrics('interact'));
