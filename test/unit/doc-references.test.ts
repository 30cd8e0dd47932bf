import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Documents the repository does not hold (the design page and domain notes kept outside it) must not be cited
// from code or docs: a reader of a fresh clone cannot follow them. Say it in the project's words, or point at
// a README section.
const ROOT = join(import.meta.dirname, '../..');
const DANGLING = /\bDESIGN(?:\.md)?\s+(?:section\s+)?\d|\bDESIGN\.md\b|\bdomain\/[a-z-]+\.md\b|\bshared\/domain\b/;

describe('references point inside the repository', () => {
  it('no tracked source, test, doc or manifest cites the design page or domain notes kept outside it', () => {
    const files = execFileSync('git', ['ls-files', 'src', 'test', 'bench', 'infra', 'functions', 'examples', 'serverless.yml', 'README.md'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f !== '' && !/\.(json|svg|png)$/.test(f) && f !== 'test/unit/doc-references.test.ts');
    expect(files.length).toBeGreaterThan(100);
    const hits = files.flatMap((f) =>
      readFileSync(join(ROOT, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (DANGLING.test(line) ? [`${f}:${i + 1}: ${line.trim().slice(0, 120)}`] : [])),
    );
    expect(hits).toEqual([]);
  });
});
