import { readFileSync } from 'node:fs';

const dir = new URL('../../fixtures/events/', import.meta.url);

/** A payload fixture from test/fixtures/events, parsed. */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, dir), 'utf8');
}

export const ctx = { defaultCluster: 'fallback-cluster' };
