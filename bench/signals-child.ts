// Normalizes one payload in its own process, so its peak RSS is the normalization's alone. bench/run.ts bundles
// this file as the functions are bundled and starts it with the ingest/evaluate function's Lambda Node flags.
//   node signals-child.mjs FILE ingest|explain|evaluate RUNS
// ingest: JSON.parse (Lambda's runtime does it) then normalizeParsed, as functions/ingest.ts does;
// explain: judgeText on the text, as explain-event does; evaluate: judgeRecord on each record's body.
import { readFileSync } from 'node:fs';
import { judgeRecord, judgeText, LAMBDA_INVOCATION, normalizeParsed } from '../src/signals/index.js';

const [file, mode, runsArg] = process.argv.slice(2) as [string, 'ingest' | 'explain' | 'evaluate', string];
const runs = Number(runsArg);
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const loadedRssBytes = process.memoryUsage().rss;
const text = readFileSync(file, 'utf8');
const ctx = { defaultCluster: 'bench' };

function once(): number {
  if (mode === 'ingest') return normalizeParsed(JSON.parse(text), { ...ctx, carrier: LAMBDA_INVOCATION }).signals.length;
  if (mode === 'explain') return judgeText(text, ctx).signals.length;
  const event = JSON.parse(text) as { Records: { messageId: string; body: string }[] };
  let n = 0;
  for (const r of event.Records) {
    const verdict = judgeRecord({ id: r.messageId, body: r.body }, ctx);
    if (!verdict.rejected) n += verdict.signals.length;
  }
  return n;
}

const times: number[] = [];
let signals = 0;
let peakHeapUsedBytes = 0;
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  signals = once();
  times.push(performance.now() - t);
  peakHeapUsedBytes = Math.max(peakHeapUsedBytes, process.memoryUsage().heapUsed);
}
times.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({
    payloadBytes: Buffer.byteLength(text),
    signals,
    slowestMs: times.length ? Math.max(...times) : 0,
    medianMs: times[Math.floor(times.length / 2)],
    loadedRssBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    peakHeapUsedBytes,
  }),
);
