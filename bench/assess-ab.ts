// `npm run bench -- --only assess`, second half: this tree's assessment path against the one before issue 11 (exact
// artifact locations and the refined table), on the same machine in the same run. Figures recorded on another day
// say little on a shared machine, so each build is bundled (esbuild, src/domain/snapshot.ts) and timed in its own
// processes, builds alternating, on the same input objects (bench/assess-child.ts). The target: within 10%.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { baselineTree, commitInClone, median } from './baseline.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');

/** The last commit before issue 11, and what it measured on the development machine (bench/README.md "Assessment"). */
export const ASSESS_BASELINE = { commit: '2aa816a', recorded: { mixPerSecond: 92_300, bigMs: 12.9 } };

export interface BuildFigures {
  mixPerSecond: number;
  bigMs: number;
  samples: { mixPerSecond: number; bigMs: number }[];
}

export interface AssessAb {
  baseline: string;
  samplesPerBuild: number;
  before: BuildFigures;
  after: BuildFigures;
  /** after / before - 1: positive is faster for throughput, slower for the 5,000-node time. */
  mixChange: number;
  bigChange: number;
}

const ENTRY = "export { assessRaw, snapshotsFromObjects } from './src/domain/snapshot.js';\n";

async function bundleAssess(treeRoot: string, outfile: string): Promise<void> {
  await build({ stdin: { contents: ENTRY, resolveDir: treeRoot, loader: 'ts' }, bundle: true, platform: 'node', target: 'node24', format: 'cjs', outfile, logLevel: 'error' });
}

/** Undefined when the baseline commit is not in this clone (a shallow one): the A/B is then skipped, said so. */
export async function assessAgainstBaseline(samples: number): Promise<AssessAb | undefined> {
  if (commitInClone(ASSESS_BASELINE.commit) === undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'afr-assess-ab-'));
  try {
    // The baseline's src as it was, resolving its packages from this tree's node_modules.
    const base = baselineTree(ASSESS_BASELINE.commit, ['src'], dir);
    const bundles = { before: join(dir, 'before.cjs'), after: join(dir, 'after.cjs') };
    await bundleAssess(base, bundles.before);
    await bundleAssess(ROOT, bundles.after);
    const child = join(dir, 'assess-child.mjs');
    await build({ entryPoints: [join(ROOT, 'bench/assess-child.ts')], bundle: true, platform: 'node', target: 'node24', format: 'esm', outfile: child, logLevel: 'error' });

    const got: Record<'before' | 'after', { mixPerSecond: number; bigMs: number }[]> = { before: [], after: [] };
    for (let i = 0; i < samples; i++) {
      // Alternating which build goes first, so a drift in the machine's load falls on both alike.
      for (const which of i % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const)) {
        const { stdout } = await run(process.execPath, [child, bundles[which]], { cwd: ROOT, encoding: 'utf8' });
        got[which].push(JSON.parse(stdout) as { mixPerSecond: number; bigMs: number });
      }
    }
    const figures = (s: { mixPerSecond: number; bigMs: number }[]): BuildFigures => ({ mixPerSecond: median(s.map((x) => x.mixPerSecond)), bigMs: median(s.map((x) => x.bigMs)), samples: s });
    const before = figures(got.before);
    const after = figures(got.after);
    return { baseline: ASSESS_BASELINE.commit, samplesPerBuild: samples, before, after, mixChange: after.mixPerSecond / before.mixPerSecond - 1, bigChange: after.bigMs / before.bigMs - 1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
