// `npm run test:mutation [-- --all | FILE...]`: Stryker over the decision core, one source file at a time, and each
// file's score written to mutation/results.md with the date (README in this folder).
//   default   the files under src/domain and src/signals that differ from main (committed or not)
//   --all     every file under src/domain and src/signals
//   FILE...   the files named
//   --merge RESULTS.md|REPORT.json...   no run: take rows from other results files or Stryker JSON reports (lanes)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SCOPE = ['src/domain', 'src/signals'];
const RESULTS = 'mutation/results.md';
const inScope = (f: string) => SCOPE.some((d) => f.startsWith(`${d}/`)) && f.endsWith('.ts') && !f.endsWith('.d.ts');

function git(...args: string[]): string[] {
  const r = spawnSync('git', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout.split('\n').filter(Boolean);
}

function filesToMutate(argv: string[]): string[] {
  if (argv.includes('--all')) return SCOPE.flatMap((d) => readdirSync(d).map((f) => `${d}/${f}`)).filter(inScope).sort();
  const named = argv.filter((a) => !a.startsWith('--'));
  if (named.length > 0) {
    const bad = named.filter((f) => !inScope(f) || !existsSync(f));
    if (bad.length > 0) throw new Error(`not a source file under ${SCOPE.join(' or ')}: ${bad.join(', ')}`);
    return named;
  }
  const base = git('merge-base', 'HEAD', 'main')[0]!;
  const changed = new Set([...git('diff', '--name-only', base), ...git('ls-files', '--others', '--exclude-standard')]);
  return [...changed].filter((f) => inScope(f) && existsSync(f)).sort();
}

interface FileScore {
  file: string;
  /** Left to hand application (stryker.config.mjs, ignoreStatic): code run once at module load. */
  static: number;
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
  errors: number;
  score: number;
  date: string;
}

/** Stryker's own formula: detected (killed + timeout) over valid mutants (errors and ignored ones excluded). */
function scoreOf(file: string, report: { files: Record<string, { mutants: { status: string; statusReason?: string }[] }> }): FileScore {
  const entry = Object.entries(report.files).find(([p]) => p.endsWith(file));
  const count = (s: string) => entry?.[1].mutants.filter((m) => m.status === s).length ?? 0;
  const killed = count('Killed');
  const timeout = count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const valid = killed + timeout + survived + noCoverage;
  const isStatic = (m: { status: string; statusReason?: string }) => m.status === 'Ignored' && /static/i.test(m.statusReason ?? '');
  return {
    file,
    static: entry?.[1].mutants.filter(isStatic).length ?? 0,
    killed,
    survived,
    noCoverage,
    timeout,
    errors: count('CompileError') + count('RuntimeError'),
    score: valid === 0 ? 100 : Math.round((1000 * (killed + timeout)) / valid) / 10,
    date: new Date().toISOString().slice(0, 10),
  };
}

function rowOf(s: FileScore): string[] {
  return [s.file, s.score.toFixed(1), String(s.killed), String(s.timeout), String(s.survived), String(s.noCoverage), String(s.errors), String(s.static), s.date];
}

const HEADER = ['file', 'score %', 'killed', 'timeout', 'survived', 'no coverage', 'errors', 'static (by hand)', 'date'];

function readResults(path = RESULTS): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  if (!existsSync(path)) return rows;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim().replaceAll('`', ''));
    // Rows written before the static column (runs that did not ignore static mutants) say '-' there.
    if (cells.length === HEADER.length - 1) cells.splice(HEADER.length - 2, 0, '-');
    if (cells.length === HEADER.length && inScope(cells[0]!)) rows.set(cells[0]!, cells);
  }
  return rows;
}

/** What the issue measures: the score over each folder (and both), not the mean of the files' scores. */
function totals(rows: Map<string, string[]>): string[] {
  const present = SCOPE.flatMap((d) => (existsSync(d) ? readdirSync(d).map((f) => `${d}/${f}`) : [])).filter(inScope);
  const line = (label: string, inside: (f: string) => boolean, nameUnscored = true) => {
    const mine = [...rows.values()].filter((c) => inside(c[0]!));
    // killed, timeout, survived, no coverage: columns 2-5; static: 7
    const [k, t, s, n] = [2, 3, 4, 5].map((i) => mine.reduce((sum, c) => sum + Number(c[i]), 0)) as [number, number, number, number];
    const valid = k + t + s + n;
    const score = valid === 0 ? '-' : ((100 * (k + t)) / valid).toFixed(1);
    const unscored = present.filter((f) => inside(f) && !rows.has(f));
    const statics = mine.reduce((sum, c) => sum + (Number(c[7]) || 0), 0);
    return `| ${label} | ${score} | ${k + t} of ${valid} | ${statics} | ${mine.length} of ${mine.length + unscored.length}${unscored.length > 0 && nameUnscored ? ` (unscored: ${unscored.map((f) => f.split('/').pop()).join(', ')})` : ''} |`;
  };
  return [
    '| scope | score % | detected | static (by hand) | files scored |',
    '|---|---|---|---|---|',
    ...SCOPE.map((d) => line(`\`${d}\``, (f) => f.startsWith(`${d}/`))),
    line('both', () => true, false),
  ];
}

// Remarks written by hand under this heading are kept when the table is rewritten.
const REMARKS = '## Remarks';

function writeResults(rows: Map<string, string[]>): void {
  const sorted = [...rows.values()].sort((a, b) => a[0]!.localeCompare(b[0]!));
  const table = [
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map(() => '---').join('|')}|`,
    ...sorted.map((c) => `| \`${c[0]}\` | ${c.slice(1).join(' | ')} |`),
  ];
  const previous = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
  const remarks = previous.includes(REMARKS) ? previous.slice(previous.indexOf(REMARKS)).trimEnd() : '';
  writeFileSync(
    RESULTS,
    [
      '# Mutation scores (written by `npm run test:mutation`)',
      '',
      'Stryker, vitest runner, `coverageAnalysis: perTest`, string literals excluded, the unit tests only',
      '(mutation/vitest.config.ts). Score = (killed + timeout) / (killed + timeout + survived + no coverage).',
      'Each row is the last run of that file, on the date given. Survivors kept on purpose: mutation/README.md.',
      '',
      ...totals(rows),
      '',
      ...table,
      '',
      ...(remarks ? [remarks, ''] : []),
    ].join('\n'),
  );
}

const argv = process.argv.slice(2);
if (argv[0] === '--merge') {
  // Lanes run in parallel worktrees, each writing its own results.md: their rows replace ours, nothing is run.
  const rows = readResults();
  for (const other of argv.slice(1)) {
    if (other.endsWith('.json')) {
      // A Stryker JSON report (reports/mutation/json/<file>.json): its file's row, dated by the report.
      const report = JSON.parse(readFileSync(other, 'utf8')) as Parameters<typeof scoreOf>[1];
      const date = statSync(other).mtime.toISOString().slice(0, 10);
      for (const path of Object.keys(report.files)) {
        const file = path.slice(path.indexOf('src/'));
        if (inScope(file)) rows.set(file, rowOf({ ...scoreOf(file, report), date }));
      }
    } else for (const [file, cells] of readResults(other)) rows.set(file, cells);
  }
  writeResults(rows);
  console.log(`${RESULTS}: ${rows.size} rows after merging ${argv.slice(1).join(', ')}`);
  process.exit(0);
}
const files = filesToMutate(argv);
if (files.length === 0) {
  console.log('nothing to mutate: no file under src/domain or src/signals differs from main (use --all or name files)');
  process.exit(0);
}
console.log(`mutating ${files.length} file(s), one at a time: ${files.join(', ')}`);
const rows = readResults();
let failed = 0;
for (const file of files) {
  const slug = file.replace(/^src\//, '').replace(/\.ts$/, '').replaceAll('/', '__');
  // nice: a run takes minutes per file on a shared 2-core machine; other work keeps priority.
  const r = spawnSync('nice', ['-n', '10', 'npx', 'stryker', 'run', 'mutation/stryker.config.mjs'], {
    stdio: 'inherit',
    env: { ...process.env, AFR_MUTATE: file },
  });
  const reportPath = join('reports/mutation/json', `${slug}.json`);
  if (r.status !== 0 || !existsSync(reportPath)) {
    console.error(`stryker failed on ${file} (exit ${r.status}): its row is left as it was`);
    failed += 1;
    continue;
  }
  const s = scoreOf(file, JSON.parse(readFileSync(reportPath, 'utf8')));
  rows.set(file, rowOf(s));
  writeResults(rows);
  console.log(`${file}: ${s.score.toFixed(1)}% (${s.survived} survived, ${s.noCoverage} without coverage) -> ${RESULTS}`);
}
process.exit(failed > 0 ? 1 : 0);
