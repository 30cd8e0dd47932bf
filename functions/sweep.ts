import { lambdaLogger, lambdaMetrics, WarmState } from '../src/runtime/aws.js';
import { sweepHandler } from '../src/sweep/handler.js';

const warm = new WarmState();

export const handler = sweepHandler(
  async () => {
    const config = await warm.config();
    return { config, portFor: warm.portFor(config), queue: warm.signalQueue(), publisher: warm.eventPublisher() };
  },
  lambdaLogger('sweep'),
  lambdaMetrics('sweep'),
);
