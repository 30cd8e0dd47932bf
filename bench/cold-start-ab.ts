// `npm run bench -- --only cold-start-ab` (and the end of `--only cold-start`): issue 12's bound, "the evaluate cold
// start must not grow by more than 5%", measured against the tree before issue 12 on the same machine in the same
// run. Figures from another day say little on a shared machine, so both evaluate bundles are loaded in fresh
// processes, alternated with each other and with bare node, and compared on the child's CPU time.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { baselineTree, commitInClone, CPU_PRINT, cpuMsOf, median } from './baseline.js';
import { bundleLikeLambda, handlerExtension, lambdaEsbuildOptions, loadScript, parseServerlessYml } from './lambda-build.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');

/** The commit before issue 12 (f83b622 added the evidence bundle and the intent record). */
export const ISSUE_12_BASELINE = 'f83b622^';

export interface ColdStartAb {
  baseline: string;
  baselineCommit: string;
  samplesPerBuild: number;
  /** Medians of the child's CPU time (user + system, all threads) once the handler has loaded, ms. */
  bareNodeCpuMs: number;
  beforeCpuMs: number;
  afterCpuMs: number;
  /** after / before - 1. */
  change: number;
  /** The handler file only: an ES module's static chunks lie beside it (bench/bundle-report.ts counts them). */
  handlerFileBytes: { before: number; after: number };
  /** The 1-minute load average when the loop started and when it ended. */
  loadAverage: { start: number; end: number };
  samples: { bare: number[]; before: number[]; after: number[] };
}


/**
 * evaluate before issue 12, built as it shipped: its own functions/ and src/ bundled with its own serverless.yml's
 * custom.esbuild (CommonJS, one file), its packages resolved from this tree's node_modules (the same versions:
 * issue 12 changed no dependency). Written outside the archive, so that its package.json ("type": "module") does
 * not make Node read the CommonJS `.js` as an ES module; a Lambda zip has no package.json beside the handler either.
 */
async function bundleBaseline(dir: string): Promise<string> {
  const base = baselineTree(ISSUE_12_BASELINE, ['functions', 'src', 'serverless.yml', 'package.json', 'tsconfig.json'], dir);
  const yml = parseServerlessYml(readFileSync(join(base, 'serverless.yml'), 'utf8'));
  const outdir = join(dir, 'before');
  await build({ ...lambdaEsbuildOptions(yml), absWorkingDir: base, entryPoints: ['functions/evaluate.ts'], outdir, logLevel: 'error' });
  return join(outdir, `evaluate${handlerExtension(yml)}`);
}

/**
 * `current` is this tree's evaluate handler as packaged (the file coldStart() unzipped, its chunks beside it);
 * without it, it is bundled here exactly as the functions are (bundleLikeLambda). Undefined when the baseline
 * commit is not in this clone (a shallow one): the row then says so.
 */
export async function coldStartAgainstIssue12(samples: number, current?: string): Promise<ColdStartAb | undefined> {
  const baselineCommit = commitInClone(ISSUE_12_BASELINE);
  if (baselineCommit === undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'afr-cold-start-ab-'));
  try {
    const files = { before: await bundleBaseline(dir), after: current ?? (await bundleLikeLambda('functions/evaluate.ts', join(dir, 'after'))) };
    // Should a bundle leave packages out, the runtime provides them; NODE_PATH stands in (as in coldStart()).
    const env = { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), AWS_REGION: 'eu-west-1' };
    const cpu = async (file: string | undefined): Promise<number> => {
      // Loaded as the runtime loads a handler (require() for CommonJS, import() for an ES module), no Node flags:
      // the same for both builds, so the difference is the bundles'.
      const script = file ? loadScript(file, CPU_PRINT) : CPU_PRINT;
      const { stdout } = await run(process.execPath, ['-e', script], { cwd: file ? join(file, '..') : dir, env, encoding: 'utf8' });
      const ms = cpuMsOf(stdout);
      if (ms === undefined) throw new Error(`no CPU time from ${file ?? 'bare node'}: ${stdout.slice(-500)}`);
      return ms;
    };
    const got = { bare: [] as number[], before: [] as number[], after: [] as number[] };
    const start = loadavg()[0]!;
    for (let i = 0; i < samples; i++) {
      // Alternating which build goes first, so a drift in the machine's load falls on both alike.
      for (const which of i % 2 === 0 ? (['bare', 'before', 'after'] as const) : (['after', 'before', 'bare'] as const)) {
        got[which].push(await cpu(which === 'bare' ? undefined : files[which]));
      }
    }
    const end = loadavg()[0]!;
    const beforeCpuMs = median(got.before);
    const afterCpuMs = median(got.after);
    return {
      baseline: ISSUE_12_BASELINE,
      baselineCommit,
      samplesPerBuild: samples,
      bareNodeCpuMs: median(got.bare),
      beforeCpuMs,
      afterCpuMs,
      change: afterCpuMs / beforeCpuMs - 1,
      handlerFileBytes: { before: statSync(files.before).size, after: statSync(files.after).size },
      loadAverage: { start, end },
      samples: got,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
