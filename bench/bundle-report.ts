// npx tsx bench/bundle-report.ts [function...]: what each Lambda bundle is made of, built with the options in
// serverless.yml. V8 parses every byte of a bundle at load, so bytes are a fair first proxy for cold start;
// bench/README.md has the measured costs.
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { lambdaEsbuildOptions } from './lambda-build.js';

const ROOT = join(import.meta.dirname, '..');
const FUNCTIONS = ['evaluate', 'sweep', 'ingest', 'notify', 'audit'];

function packageOf(path: string): string {
  const m = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  return m ? m[1]! : path.replace(/\/[^/]+$/, '');
}

/**
 * What loads at a cold start: the handler's file and every chunk it imports statically. Chunks reached only by
 * import() (serverless.yml: splitting) load when that code runs, and are reported apart as `onDemandBytes`.
 */
export async function bundleReport(fn: string): Promise<{ bytes: number; onDemandBytes: number; packages: [string, number][]; warnings: string[] }> {
  const result = await build({ ...lambdaEsbuildOptions(), absWorkingDir: ROOT, entryPoints: [`functions/${fn}.ts`], outdir: join(ROOT, '.bench-out'), write: false, metafile: true, logLevel: 'error' });
  const meta: Metafile = result.metafile;
  const entry = Object.keys(meta.outputs).find((k) => meta.outputs[k]!.entryPoint === `functions/${fn}.ts`);
  if (!entry) throw new Error(`no output for ${fn}`);
  const atStart = new Set<string>();
  const visit = (file: string) => {
    if (atStart.has(file)) return;
    atStart.add(file);
    for (const imp of meta.outputs[file]!.imports) if (imp.kind === 'import-statement' && meta.outputs[imp.path]) visit(imp.path);
  };
  visit(entry);
  const code = Object.keys(meta.outputs).filter((k) => !k.endsWith('.map'));
  const bytes = [...atStart].reduce((n, k) => n + meta.outputs[k]!.bytes, 0);
  const onDemandBytes = code.filter((k) => !atStart.has(k)).reduce((n, k) => n + meta.outputs[k]!.bytes, 0);
  const byPackage = new Map<string, number>();
  for (const file of atStart) for (const [path, input] of Object.entries(meta.outputs[file]!.inputs)) byPackage.set(packageOf(path), (byPackage.get(packageOf(path)) ?? 0) + input.bytesInOutput);
  const warnings: string[] = [];
  const bundled = Object.values(meta.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([path]) => path));
  const locales = bundled.filter((p) => p.includes('zod/v4/locales/') && !p.endsWith('/en.js') && !p.endsWith('/index.js'));
  if (locales.length > 0) {
    warnings.push(`zod: ${locales.length} locales bundled; some file imports \`{ z } from 'zod'\` (use \`import * as z from 'zod'\`)`);
  }
  for (const [path, input] of Object.entries(meta.inputs)) {
    for (const imp of input.imports) {
      if (imp.kind === 'dynamic-import' && !imp.external && imp.path.includes('node_modules') && !path.includes('node_modules')) {
        warnings.push(`${path} imports ${packageOf(imp.path)} with import(): bundled whole, and everything it shares with static imports is wrapped for lazy init`);
      }
    }
  }
  return { bytes, onDemandBytes, packages: [...byPackage.entries()].sort((a, b) => b[1] - a[1]), warnings };
}

if (process.argv[1]?.endsWith('bundle-report.ts')) {
  const wanted = process.argv.slice(2);
  for (const fn of wanted.length > 0 ? wanted : FUNCTIONS) {
    const r = await bundleReport(fn);
    process.stdout.write(`${fn}: ${(r.bytes / 1024).toFixed(0)} KiB at start, ${(r.onDemandBytes / 1024).toFixed(0)} KiB on demand\n`);
    for (const [name, bytes] of r.packages.slice(0, Number(process.env.TOP ?? 12))) process.stdout.write(`  ${(bytes / 1024).toFixed(0).padStart(6)} KiB  ${name}\n`);
    for (const w of r.warnings) process.stdout.write(`  ! ${w}\n`);
  }
}
