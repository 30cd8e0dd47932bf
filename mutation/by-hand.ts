// `npm run test:mutation:by-hand -- REPORT.json [--static] [--ids 3,17] TEST...`: apply mutants of a Stryker JSON
// report to the source one at a time, run the named test files on each, say which test kills it, restore the source.
// For what a Stryker run cannot be trusted with: static mutants (ignored by the config) and reported survivors to
// confirm before a test is written or an equivalent is listed (README in this folder).
//   default    the report's Survived and NoCoverage mutants
//   --static   its static mutants instead (Ignored: code run once at module load)
//   --ids      only these mutant ids
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Position {
  line: number;
  column: number;
}
interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  statusReason?: string;
  location: { start: Position; end: Position };
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

const args = process.argv.slice(2);
const reportPath = args.shift();
if (!reportPath?.endsWith('.json') || !existsSync(reportPath)) {
  console.error('usage: npm run test:mutation:by-hand -- REPORT.json [--static] [--ids 3,17] TEST...');
  process.exit(2);
}
const wantStatic = args.includes('--static');
const idsAt = args.indexOf('--ids');
const ids = idsAt >= 0 ? new Set(args[idsAt + 1]?.split(',')) : undefined;
const tests = args.filter((a, i) => !a.startsWith('--') && (idsAt < 0 || i !== idsAt + 1));
if (tests.length === 0) {
  console.error('name the test files to run on each mutant');
  process.exit(2);
}

const isStatic = (m: Mutant) => m.status === 'Ignored' && /static/i.test(m.statusReason ?? '');
const chosen = (m: Mutant) =>
  (wantStatic ? isStatic(m) : m.status === 'Survived' || m.status === 'NoCoverage') && (!ids || ids.has(m.id));

/** Offset of a report position (line and column both 1-based) in the text. */
function offsetOf(text: string, at: Position): number {
  let offset = 0;
  for (let line = 1; line < at.line; line += 1) offset = text.indexOf('\n', offset) + 1;
  return offset + at.column - 1;
}

// Replacements are printed from the AST: parenthesised, an expression keeps its precedence in the surrounding code.
// Statements (`;`, a block, a `case` clause emptied) and literals stay bare: parentheses would not parse there.
const BARE = new Set(['BlockStatement', 'ObjectLiteral', 'ArrayDeclaration']);
const isStatement = (text: string) => /[;:}]\s*$/.test(text) || /^\s*(case\b|default\b|\{)/.test(text);
function mutated(source: string, m: Mutant): string {
  const replacement = m.replacement ?? '';
  const text = BARE.has(m.mutatorName) || isStatement(replacement) ? replacement : `(${replacement})`;
  return source.slice(0, offsetOf(source, m.location.start)) + text + source.slice(offsetOf(source, m.location.end));
}

const scratch = mkdtempSync(join(tmpdir(), 'afr-by-hand-'));
const TIMEOUT_MS = 120_000;

/**
 * The titles of the failing tests; 'timeout' when the run outlived TIMEOUT_MS (Stryker counts that as killed);
 * 'invalid' when a test file failed to load (the mutant does not compile: no test judged it).
 */
function runTests(): Promise<string[] | 'timeout' | 'invalid'> {
  const out = join(scratch, 'vitest.json');
  rmSync(out, { force: true });
  return new Promise((resolve) => {
    // Its own process group: on a timeout, vitest's workers end with it.
    const child = spawn('npx', ['vitest', 'run', ...tests, '--reporter=json', `--outputFile=${out}`], { stdio: 'ignore', detached: true });
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') return resolve('timeout');
      if (!existsSync(out)) return resolve([`(no report, exit ${code})`]);
      const result = JSON.parse(readFileSync(out, 'utf8')) as {
        testResults: { status: string; assertionResults: { title: string; status: string }[] }[];
      };
      const failed = result.testResults.flatMap((f) => f.assertionResults.filter((t) => t.status === 'failed').map((t) => t.title));
      // A file that failed with no test run in it did not load (the mutated source does not parse or import).
      const unloaded = result.testResults.some((f) => f.status === 'failed' && f.assertionResults.length === 0);
      resolve(failed.length === 0 && unloaded ? 'invalid' : failed);
    });
  });
}

const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
let survivors = 0;
for (const [reported, file] of Object.entries(report.files)) {
  const path = reported.slice(reported.indexOf('src/'));
  const current = readFileSync(path, 'utf8');
  // The positions are the report's: on a source edited since, they would mutate the wrong code.
  if (current !== file.source) {
    console.error(`${path} differs from the source the report mutated: run Stryker on it again first`);
    process.exit(2);
  }
  const restore = () => writeFileSync(path, current);
  const onSignal = () => {
    restore();
    process.exit(130);
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  const mutants = file.mutants.filter(chosen).sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
  console.log(`${path}: ${mutants.length} mutant(s) against ${tests.join(' ')}`);
  try {
    for (const m of mutants) {
      writeFileSync(path, mutated(current, m));
      const failed = await runTests();
      const verdict = failed === 'timeout' ? 'TIMEOUT' : failed === 'invalid' ? 'INVALID' : failed.length > 0 ? 'KILLED' : 'SURVIVES';
      if (verdict === 'SURVIVES' || verdict === 'INVALID') survivors += 1;
      const where = `${m.location.start.line}:${m.location.start.column}`;
      console.log(`${m.id.padStart(4)} ${where.padEnd(8)} ${m.mutatorName.padEnd(22)} ${JSON.stringify(m.replacement ?? '').slice(0, 60).padEnd(62)} ${verdict}${Array.isArray(failed) && failed.length > 0 ? ` ${failed.slice(0, 2).join(' | ')}` : ''}`);
    }
  } finally {
    restore();
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}
rmSync(scratch, { recursive: true, force: true });
console.log(survivors === 0 ? 'every mutant applied fails a test' : `${survivors} mutant(s) fail no test, or did not load (INVALID)`);
process.exit(survivors === 0 ? 0 : 1);
