import { interactDepsFromEnv } from '../src/interact/config.js';
import { interactHandler } from '../src/interact/handler.js';
import { lambdaLogger, lambdaMetrics } from '../src/observability/lambda.js';

// No cluster client here: interact only verifies, records and enqueues; evaluate re-reads the live Workflow.
let deps: ReturnType<typeof interactDepsFromEnv> | undefined;
const warm = () => (deps ??= interactDepsFromEnv(process.env).catch((err: unknown) => ((deps = undefined), Promise.reject(err))));

/** Slack's Interactivity Request URL (a Lambda function URL, AuthType NONE): verify, authorise, record, enqueue. */
export const handler = interactHandler(warm, lambdaLogger('interact'), lambdaMetrics('interact'));
