// What the bench runs must be what ships: the esbuild options and the Node flags are read from serverless.yml,
// so a change there is measured without touching the bench.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, extname, join } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { parse, type Tags } from 'yaml';

const ROOT = join(import.meta.dirname, '..');

/** serverless-esbuild's own keys (dist/bundle.js), which it strips before calling esbuild. */
const PLUGIN_KEYS = ['concurrency', 'zipConcurrency', 'exclude', 'nativeZip', 'packager', 'packagePath', 'watch', 'keepOutputDirectory', 'packagerOptions', 'installExtraArgs', 'outputFileExtension', 'outputBuildFolder', 'outputWorkFolder', 'nodeExternals', 'skipBuild', 'skipRebuild', 'skipBuildExcludeFns', 'stripEntryResolveExtensions', 'disposeContext'];

/** CloudFormation's short-form intrinsics, kept as plain values: only the shape around them is read here. */
const CFN_TAGS: Tags = ['Ref', 'Sub', 'GetAtt', 'If', 'Not', 'Equals', 'And', 'Or', 'Join', 'Select', 'Split', 'FindInMap', 'Base64', 'Cidr', 'GetAZs', 'ImportValue', 'Condition']
  .flatMap((name) => [
    { tag: `!${name}`, resolve: (v: string) => v },
    { tag: `!${name}`, collection: 'seq' as const, resolve: (v: unknown) => v },
    { tag: `!${name}`, collection: 'map' as const, resolve: (v: unknown) => v },
  ]) as unknown as Tags;

interface Serverless {
  provider: { memorySize?: number; environment?: Record<string, unknown> };
  custom: { esbuild: Record<string, unknown> };
  functions: Record<string, { memorySize?: number; environment?: Record<string, unknown> }>;
}

export function serverlessYml(): Serverless {
  return parseServerlessYml(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'));
}

/** A serverless.yml's text, this tree's or an older commit's (bench/cold-start-ab.ts). */
export function parseServerlessYml(text: string): Serverless {
  return parse(text, { customTags: CFN_TAGS }) as Serverless;
}

/**
 * custom.esbuild as serverless-esbuild hands it to esbuild (dist/bundle.js, dist/index.js): plugin keys dropped,
 * `exclude` made external, `outputFileExtension` as `outExtension`, `plugins` (a file) loaded.
 */
export function lambdaEsbuildOptions(yml = serverlessYml()): BuildOptions {
  const options: Record<string, unknown> = { ...yml.custom.esbuild };
  const exclude = Array.isArray(options['exclude']) ? (options['exclude'] as string[]) : [];
  const extension = handlerExtension(yml);
  const plugins = typeof options['plugins'] === 'string' ? (createRequire(import.meta.url)(join(ROOT, options['plugins'])) as Plugin[]) : undefined;
  for (const key of PLUGIN_KEYS) delete options[key];
  return {
    ...(options as BuildOptions),
    ...(plugins ? { plugins } : {}),
    ...(extension !== '.js' ? { outExtension: { '.js': extension } } : {}),
    external: [...((options['external'] as string[] | undefined) ?? []), ...exclude.filter((e) => e !== '*')],
  };
}

/** The extension of a function's handler file (and its chunks): serverless-esbuild's outputFileExtension. */
export function handlerExtension(yml = serverlessYml()): string {
  return (yml.custom.esbuild['outputFileExtension'] as string | undefined) ?? '.js';
}

/**
 * Bundles `entry` (a path from the repository root) into `outdir` exactly as the functions are bundled, its
 * chunks beside it; returns the path of the file to load.
 */
export async function bundleLikeLambda(entry: string, outdir: string): Promise<string> {
  await build({ ...lambdaEsbuildOptions(), absWorkingDir: ROOT, entryPoints: [entry], outdir, logLevel: 'error' });
  return join(outdir, `${basename(entry, extname(entry))}${handlerExtension()}`);
}

/**
 * A `node -e` script that loads `file` as the Lambda runtime loads a handler (import() for an ES module, which is
 * what an ESM handler needs; require() else) and then runs `then` (a statement).
 */
export function loadScript(file: string, then = ''): string {
  return file.endsWith('.mjs') ? `import(${JSON.stringify(file)}).then(() => {${then}})` : `require(${JSON.stringify(file)});${then}`;
}

export function functionMemoryMb(fn: string, yml = serverlessYml()): number {
  return yml.functions[fn]?.memorySize ?? yml.provider.memorySize ?? 1024;
}

/**
 * The Node flags a function starts with in Lambda: provider NODE_OPTIONS, plus the heap limits the managed
 * Node.js runtime's bootstrap derives from the memory size (new space a tenth of it, a semi-space half of
 * that, old space the rest), which decide how far V8 lets the heap grow before collecting; then what the
 * function's AWS_LAMBDA_EXEC_WRAPPER makes of them (lambdaExecWrapper).
 */
export function lambdaNodeFlags(fn: string, yml = serverlessYml()): string[] {
  const memory = functionMemoryMb(fn, yml);
  const newSpace = Math.floor(memory / 10);
  const nodeOptions = yml.provider.environment?.['NODE_OPTIONS'];
  const bootstrap = [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memory - newSpace}`];
  return [...lambdaExecWrapper(fn, bootstrap, yml), ...(typeof nodeOptions === 'string' ? nodeOptions.split(/\s+/).filter(Boolean) : [])];
}

/**
 * The node options after the function's AWS_LAMBDA_EXEC_WRAPPER (a /var/task/ path: a file of this repository
 * packaged into the function's zip) has rewritten `flags`: the shipped script itself is run, with the function's
 * environment from serverless.yml, and execs a node that prints the options it was started with, so a change
 * to the script is measured and a flag node refuses fails here. No wrapper: `flags` unchanged.
 */
export function lambdaExecWrapper(fn: string, flags: string[], yml = serverlessYml()): string[] {
  const env = { ...yml.provider.environment, ...yml.functions[fn]?.environment };
  const wrapper = env['AWS_LAMBDA_EXEC_WRAPPER'];
  if (wrapper === undefined) return flags;
  if (typeof wrapper !== 'string' || !wrapper.startsWith('/var/task/')) throw new Error(`${fn}: AWS_LAMBDA_EXEC_WRAPPER ${JSON.stringify(wrapper)} is not a file of the package (/var/task/...)`);
  const strings = Object.fromEntries(Object.entries(env).filter((e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number').map(([k, v]) => [k, String(v)]));
  const print = 'process.stdout.write(JSON.stringify(process.execArgv))';
  const r = spawnSync('sh', [join(ROOT, wrapper.slice('/var/task/'.length)), process.execPath, ...flags, '-e', print], { env: { ...process.env, ...strings }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${fn}: ${wrapper} exited ${r.status}: ${r.stderr.trim()}`);
  const argv = JSON.parse(r.stdout) as string[];
  return argv.slice(0, argv.lastIndexOf('-e'));
}
