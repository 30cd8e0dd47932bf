import { evaluateHandler } from '../src/evaluate/handler.js';
import { lambdaLogger, lambdaMetrics, WarmState } from '../src/runtime/aws.js';

const warm = new WarmState();

export const handler = evaluateHandler(
  async () => {
    const config = await warm.config();
    const finishing = warm.finishing(config);
    return { config, portFor: warm.portFor(config), publisher: warm.eventPublisher(), queue: warm.signalQueue(), evidence: warm.evidenceSink(config), approvals: () => warm.approvals(config), ...(finishing ? { finishing } : {}) };
  },
  lambdaLogger('evaluate'),
  lambdaMetrics('evaluate'),
);
