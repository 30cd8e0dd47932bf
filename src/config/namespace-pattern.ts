import * as z from 'zod';

/**
 * A namespace name (DNS-1123 label) or a glob over one, where `*` matches any run of characters:
 * `argo`, `team-*`, `*-ci`, `*`. Nothing else is special, so a pattern can never match across what a
 * namespace may not contain.
 */
const PATTERN = /^(?=.{1,63}$)[a-z0-9*]([-a-z0-9*]*[a-z0-9*])?$/;

export const NamespacePattern = z
  .string()
  .regex(PATTERN, "must be a namespace name (DNS-1123 label) or a glob using '*', such as 'team-*'");
export type NamespacePattern = z.infer<typeof NamespacePattern>;

export function isGlob(pattern: string): boolean {
  return pattern.includes('*');
}

export function matchesNamespace(pattern: string, namespace: string): boolean {
  if (!isGlob(pattern)) return pattern === namespace;
  const parts = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`).test(namespace);
}

/** How specific a pattern is: exact names beat globs, and more literal characters beat fewer. */
export function specificity(pattern: string): number {
  return isGlob(pattern) ? pattern.replaceAll('*', '').length : Number.MAX_SAFE_INTEGER;
}
