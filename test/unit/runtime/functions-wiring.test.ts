// functions/ holds the Lambda entry points and nothing else: each builds its handler from a factory in
// src/<use case>/ with its warm dependencies (README "How it works"). Logic that creeps back in fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../../functions/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('functions/ is wiring only', () => {
  it('holds the six functions serverless.yml names', () => {
    const yml = readFileSync(new URL('../../../serverless.yml', import.meta.url), 'utf8');
    const handlers = [...yml.matchAll(/handler: functions\/(\w+)\.handler/g)].map((m) => `${m[1]}.ts`);
    expect(files.sort()).toEqual(handlers.sort());
    expect(files).toHaveLength(6);
  });

  it.each(files)('%s is under 20 lines, imports only from src/, and exports a handler built by a factory', (file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    expect(text.trimEnd().split('\n').length).toBeLessThan(20);
    const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
    expect(imports.every((i) => i.startsWith('../src/'))).toBe(true);
    expect(text).toMatch(/export const handler = \w+Handler\(/);
    expect(text).not.toMatch(/\bmiddy\b|\bif\s*\(|\bfor\s*\(|\btry\s*\{/);
  });
});
