import { notifyDepsFromConfig, notifyHandler } from '../src/notify/handler.js';
import { asLog, lambdaLogger, lambdaMetrics } from '../src/observability/lambda.js';
import { Warm } from '../src/runtime/warm.js';

const logger = lambdaLogger('notify');
// The S3 client and the cached webhook URL stay warm between events.
const deps = new Warm(() => notifyDepsFromConfig(process.env, asLog(logger)));

export const handler = notifyHandler(() => deps.get(), logger, lambdaMetrics('notify'));

/** For tests: forget the warm state so the next event reads the environment again. */
export const resetNotifyFunction = (): void => deps.reset();
