// The test files a mutation run may use: the in-process unit tests. The CLI tests spawn a child process, which never
// sees the active mutant, and the integration suites start servers; both only cost time here (README in this folder).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/unit/**/*.test.ts'],
    // sweep-heap.test.ts reads the file mode git committed: Stryker's sandbox is a copy without .git. It tests the
    // Lambda wrapper, not the decision core.
    exclude: ['test/unit/doc-references.test.ts', 'test/unit/tmpdir.test.ts', 'test/unit/infra/sweep-heap.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['mutation/fast-check-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One process for every test file of a mutant run (not one each): the unit tests share no state across files
    // (the whole unit suite passes with --no-isolate), and a fresh process per file was most of a mutant's cost.
    isolate: false,
  },
});
