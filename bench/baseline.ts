// What the bench's A/B comparisons share: an earlier commit's tree to build from, the child's CPU report, medians.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Appended to a child's `-e` script: its own CPU time (all threads, bootstrap included), read back by `cpuMsOf`. */
export const CPU_PRINT = 'const u=process.resourceUsage();process.stdout.write("@@cpu="+(u.userCPUTime+u.systemCPUTime)/1000)';

export function cpuMsOf(stdout: string): number | undefined {
  const ms = /@@cpu=([\d.]+)/.exec(stdout)?.[1];
  return ms === undefined ? undefined : Number(ms);
}

/** The full commit id, or undefined when the commit is not in this clone (a shallow one): the row then says so. */
export function commitInClone(commit: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `${commit}^{commit}`], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/**
 * `paths` of `commit` as they were, extracted into `<dir>/base`, resolving their packages from this tree's
 * node_modules (the comparisons are of our code, on the same dependency versions). Returns the tree's root.
 */
export function baselineTree(commit: string, paths: string[], dir: string): string {
  const base = join(dir, 'base');
  mkdirSync(base);
  const tar = join(dir, 'base.tar');
  writeFileSync(tar, execFileSync('git', ['archive', '--format=tar', commit, ...paths], { cwd: ROOT, maxBuffer: 1 << 28 }));
  execFileSync('tar', ['-xf', tar, '-C', base]);
  symlinkSync(join(ROOT, 'node_modules'), join(base, 'node_modules'), 'dir');
  return base;
}
