// esbuild plugins for the Lambda bundles (serverless.yml custom.esbuild.plugins; bench/lambda-build.ts loads
// the same file). CommonJS: serverless-esbuild require()s it.
const { isBuiltin } = require('node:module');
const { basename, extname } = require('node:path');

/**
 * Node built-ins through require(), not through their ESM facade. `import { request } from 'http'` in an ES module
 * makes Node build the facade of `http`, which reads every export, lazy getters included: `http`'s load undici
 * (fetch, WebSocket; ~10 ms) and `crypto`'s webcrypto, which no function uses. Wrapped as CommonJS, the bundle
 * reads a built-in's properties only where the code uses them, as a CommonJS bundle does.
 */
const builtinsViaRequire = {
  name: 'builtins-via-require',
  setup(build) {
    build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      args.kind === 'import-statement' && isBuiltin(args.path) ? { path: args.path, namespace: 'builtin-via-require' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin-via-require' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/**
 * Handlers built as one file although `splitting` is on. interact signs its own AWS calls (src/aws-http) and has no
 * import() of its own; split, esbuild still emits chunks for the SDK's import()s inside code it tree-shakes away,
 * and keeps whole the files those chunks share with the handler: 353 -> 457 KiB loaded at start.
 */
const UNSPLIT = new Set(['interact']);

/**
 * Splitting per handler (UNSPLIT), and each function's chunks in a folder named after its handler
 * (functions/evaluate.chunks/...). serverless-esbuild builds every function into the same folder and zips, for each
 * function, every file there except the other handlers and what starts with their name and a dot (their source
 * maps): chunks under the handler's name go into its own zip only.
 */
const chunksBesideHandler = {
  name: 'chunks-beside-handler',
  setup(build) {
    const entries = build.initialOptions.entryPoints;
    const entry = Array.isArray(entries) && entries.length === 1 && typeof entries[0] === 'string' ? entries[0] : undefined;
    if (!entry || !build.initialOptions.splitting) return;
    const name = basename(entry, extname(entry));
    if (UNSPLIT.has(name)) build.initialOptions.splitting = false;
    else build.initialOptions.chunkNames = `${name}.chunks/[name]-[hash]`;
  },
};

module.exports = [builtinsViaRequire, chunksBesideHandler];
