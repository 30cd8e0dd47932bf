import { auditDepsFromEnv, auditHandler } from '../src/audit/handler.js';
import { lambdaLogger, lambdaMetrics } from '../src/observability/lambda.js';
import { Warm } from '../src/runtime/warm.js';

const deps = new Warm(() => auditDepsFromEnv(process.env));

export const handler = auditHandler(() => deps.get(), lambdaLogger('audit'), lambdaMetrics('audit'));

/** For tests: forget the warm state so the next event reads the environment again. */
export const resetAuditFunction = (): void => deps.reset();
