// Mutation testing of the decision core (README in this folder). Driven by mutation/run.ts, one source file per
// Stryker run: AFR_MUTATE names the file; each file keeps its own incremental file and JSON report.
const file = process.env.AFR_MUTATE;
if (!file) throw new Error('AFR_MUTATE is not set: run `npm run test:mutation` (mutation/run.ts), not stryker directly');
const slug = file.replace(/^src\//, '').replace(/\.ts$/, '').replaceAll('/', '__');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // Not `related`: in mutant runs it lost tests that import the mutated file indirectly (gc-machinery.ts:64 `false`
  // reported Survived, killed with related off). perTest coverage already runs only the tests covering each mutant.
  vitest: { configFile: 'mutation/vitest.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: [file],
  // Wording is not behaviour: reasons and messages are asserted where they are contract, not mutant by mutant.
  mutator: { excludedMutations: ['StringLiteral'] },
  // Ignored by git (reports/): a local cache. A later run on the same file re-tests only changed code and tests.
  // Static mutants (code run once at module load, chiefly the zod schemas) are left to hand application: each would
  // need the whole unit suite in a fresh process (3 minutes here), and the vitest runner reported some Survived that
  // fail by hand (README). `npm run test:mutation` counts them as ignored; results.md says which files have them.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `reports/mutation/incremental/${slug}.json`,
  // The machine is shared (2 cores, several engineers): one test process, and run.ts starts this under `nice -n 10`.
  concurrency: 1,
  timeoutMS: 10_000,
  // The initial run of the whole unit suite takes ~1 minute alone, and five at nice 19 beside other work (the default).
  dryRunTimeoutMinutes: 20,
  reporters: ['json', 'clear-text', 'progress'],
  jsonReporter: { fileName: `reports/mutation/json/${slug}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  // The sandbox only needs what the unit tests read.
  ignorePatterns: ['reports', 'bench/out', '.serverless', '.esbuild', 'coverage', 'dist', '.demo', 'afr-audit'],
  thresholds: { high: 90, low: 85, break: null },
};
