// Runs one sweep in its own process, so its peak RSS is the sweep's alone (the API server lives in the parent).
// bench/run.ts bundles this file as the functions are bundled and starts it with Lambda's Node flags: under
// tsx the loader alone would weigh more than the sweep.
import { parseConfig } from '../src/config/load.js';
import { portFor } from '../src/kube/port-for.js';
import { sweep, type SweepPass } from '../src/sweep/sweep.js';

async function main(): Promise<void> {
  const [server, token, pass = 'full'] = process.argv.slice(2) as [string, string, SweepPass?];
  const config = parseConfig({ clusters: [{ name: 'bench', auth: { type: 'token', server, token, skipTLSVerify: true }, maxRemovalsPerSweep: 1000 }] }, 'bench');
  // The production client: default QPS/burst limit and retries, as the deployed sweep runs.
  const port = portFor(config.clusters[0]!.auth);
  const gc = (globalThis as { gc?: () => void }).gc;
  const startHeapBytes = process.memoryUsage().heapUsed;
  let peakHeapUsedBytes = 0;
  let peakExternalBytes = 0;
  let enqueued = 0;
  const started = performance.now();
  // CPU time is what the load of a shared machine does not inflate much, unlike wall time.
  const cpu = process.cpuUsage();
  const [result] = await sweep({
    config,
    portFor: () => port,
    queue: { send: async (m) => void (enqueued += m.length) },
    publisher: { publish: async () => {} },
    pass,
    // AFR_BENCH_PAGE_SIZE tries another page size than the sweep's own (100 full, 500 metadata).
    ...(process.env['AFR_BENCH_PAGE_SIZE'] ? { pageSize: Number(process.env['AFR_BENCH_PAGE_SIZE']) } : {}),
    // Every 500 candidates: heap in use (live plus not yet collected) and buffers outside the heap.
    onProgress: () => {
      const m = process.memoryUsage();
      peakHeapUsedBytes = Math.max(peakHeapUsedBytes, m.heapUsed);
      peakExternalBytes = Math.max(peakExternalBytes, m.external);
    },
  });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  // What the sweep left behind once collected (needs --expose-gc, which Lambda's runtime passes too).
  gc?.();
  const endHeapBytes = gc ? process.memoryUsage().heapUsed : null;
  process.stdout.write(
    JSON.stringify({
      ms,
      cpuMs,
      candidates: result!.candidates,
      terminating: result!.terminating,
      fetched: result!.fetched,
      deferred: result!.deferred,
      stuck: result!.stuck,
      enqueued,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      startHeapBytes,
      peakHeapUsedBytes,
      peakExternalBytes,
      endHeapBytes,
    }),
  );
}

void main();
