// One A/B sample for bench/assess-ab.ts: loads one build of the assessment path (a bundle of src/domain/snapshot.ts
// at some commit) and times it on inputs built by *this* tree (the demo mix and the 5,000-node Workflow), so every
// build judges the same objects. CPU time, best of several batches: what a shared machine's load inflates least.
import { createRequire } from 'node:module';
import { demoCluster } from '../src/demo/seed.js';
import { bigWorkflowSnapshot } from './assess-inputs.js';

interface Build {
  assessRaw: (raw: unknown, opts: { now: Date; quietPeriodMs: number }) => unknown;
  snapshotsFromObjects: (items: unknown[]) => unknown[];
}

const NOW = new Date('2026-06-01T12:00:00Z');
const OPTS = { now: NOW, quietPeriodMs: 1_800_000 };

/** The fewest microseconds one call took, over `batches` batches of `per` calls after a warm-up. */
function bestMicros(call: (i: number) => void, per: number, batches: number): number {
  for (let i = 0; i < per * 3; i++) call(i);
  let best = Infinity;
  for (let b = 0; b < batches; b++) {
    const start = process.cpuUsage();
    for (let i = 0; i < per; i++) call(i);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / per);
  }
  return best;
}

const path = process.argv[2];
if (path) {
  const build = createRequire(import.meta.url)(path) as Build;
  const mix = build.snapshotsFromObjects(demoCluster(NOW).objects);
  const big = bigWorkflowSnapshot(NOW);
  const mixMicros = bestMicros((i) => void build.assessRaw(mix[i % mix.length], OPTS), 3_000, 10);
  const bigMicros = bestMicros(() => void build.assessRaw(big, OPTS), 5, 8);
  process.stdout.write(`${JSON.stringify({ mixPerSecond: 1e6 / mixMicros, bigMs: bigMicros / 1000 })}\n`);
}
