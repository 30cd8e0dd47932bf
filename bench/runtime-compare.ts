// npx tsx bench/runtime-compare.ts NAME=NODE_BINARY:ZIP_DIR ... [--runs N]
// Cold start of the same functions under several (Node binary, osls package output) pairs in ONE run,
// interleaved, so a busy machine weighs on every pair alike. Used for the Node 20 -> 24 switch (bench/README.md);
// the binaries are named explicitly on purpose: comparing runtimes is the point.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { unzip } from '../test/integration/template/template.js';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 15;
const pairs = args.filter((a, i) => a.includes('=') && args[i - 1] !== '--runs').map((a) => {
  const [name, rest] = a.split('=') as [string, string];
  const [node, zips] = rest.split(':') as [string, string];
  return { name, node, zips };
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const dir = mkdtempSync(join(os.tmpdir(), 'afr-runtime-compare-'));
const fns = [...new Set(pairs.flatMap((p) => readdirSync(p.zips).filter((f) => f.endsWith('.zip')).map((f) => f.replace(/\.zip$/, ''))))].filter((fn) =>
  pairs.every((p) => readdirSync(p.zips).includes(`${fn}.zip`)),
);
for (const p of pairs) {
  for (const fn of fns) {
    for (const [name, data] of unzip(readFileSync(join(p.zips, `${fn}.zip`)))) {
      mkdirSync(join(dir, p.name, fn, name, '..'), { recursive: true });
      writeFileSync(join(dir, p.name, fn, name), data);
    }
  }
}
const once = (node: string, cwd: string, code: string) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(node, ['-e', code], { cwd, env: { PATH: process.env['PATH'] ?? '', AWS_REGION: 'eu-west-1' } });
  if (r.status !== 0) throw new Error(`${node} ${code}: ${String(r.stderr).slice(-1000)}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const samples: Record<string, number[]> = {};
for (let i = 0; i < runs; i++) {
  for (const p of pairs) {
    (samples[`${p.name} bare`] ??= []).push(once(p.node, dir, '0'));
    for (const fn of fns) (samples[`${p.name} ${fn}`] ??= []).push(once(p.node, join(dir, p.name, fn), `require('./functions/${fn}.js')`));
  }
}
const version = (node: string) => spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
const out: Record<string, unknown> = { runs, machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, load: os.loadavg() }, pairs: {} };
for (const p of pairs) {
  const bare = median(samples[`${p.name} bare`]!);
  const fnsOut: Record<string, unknown> = {};
  for (const fn of fns) {
    const ms = median(samples[`${p.name} ${fn}`]!);
    fnsOut[fn] = { loadMs: Number(ms.toFixed(1)), ratio: Number((ms / bare).toFixed(2)), zipKiB: Number((readFileSync(join(p.zips, `${fn}.zip`)).length / 1024).toFixed(1)) };
  }
  (out.pairs as Record<string, unknown>)[p.name] = { node: version(p.node), bareMs: Number(bare.toFixed(1)), functions: fnsOut };
}
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
