// Bundled and run as the child (evaluate-child.ts): the deployed entry point, one event, the answer on stdout after "@@".
import { readFileSync } from 'node:fs';
import { handler } from '../../functions/evaluate.js';

async function main(): Promise<void> {
  const event = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as never;
  const deadline = Date.now() + Number(process.env['AFR_REMAINING_MS'] ?? 60_000);
  const context = { functionName: 'evaluate', awsRequestId: `req-${process.pid}`, getRemainingTimeInMillis: () => deadline - Date.now() };
  const result = await handler(event, context);
  process.stdout.write('\n@@' + JSON.stringify(result ?? { batchItemFailures: [] }) + '\n');
}

void main();
