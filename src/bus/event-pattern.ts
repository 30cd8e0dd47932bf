import { isRecord } from '../domain/json.js';
/**
 * An EventBridge event-pattern matcher, enough to check the rules this project writes against real event
 * shapes without an AWS account. Semantics follow the EventBridge user guide ("Event patterns",
 * "Content filtering"): every key of the pattern must match; a leaf is an array of alternatives; an event
 * array matches when any element matches; nested objects recurse; `$or` takes sub-patterns of which one must
 * match. Operators: exact values, prefix, suffix, equals-ignore-case, anything-but, exists, numeric. Anything
 * else throws, so a rule using an operator this file does not know fails its test instead of passing
 * vacuously. The local bus routes with it, and the template test checks the deployed rules with it.
 */

export type Pattern = { [key: string]: unknown };

export function matches(pattern: Pattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: Pattern, value: unknown): boolean {
  const fields = isRecord(value) ? value : {};
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(sub) || sub.length < 2) throw new Error('$or takes an array of at least two patterns');
      if (!sub.some((alternative) => matchObject(alternative as Pattern, value))) return false;
      continue;
    }
    const present = Object.prototype.hasOwnProperty.call(fields, key);
    if (Array.isArray(sub)) {
      if (!matchLeaf(sub, present, fields[key])) return false;
    } else if (isRecord(sub)) {
      if (present && !isRecord(fields[key])) return false;
      if (!matchObject(sub, fields[key])) return false;
    } else {
      throw new Error(`pattern field '${key}' must be an array or an object`);
    }
  }
  return true;
}

function matchLeaf(alternatives: unknown[], present: boolean, value: unknown): boolean {
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return alternatives.some((alternative) => {
    if (isRecord(alternative)) return matchOperator(alternative, present, values);
    if (!present) return false;
    return values.some((v) => equalScalar(alternative, v));
  });
}

function matchOperator(op: Pattern, present: boolean, values: unknown[]): boolean {
  const keys = Object.keys(op);
  if (keys.length !== 1) throw new Error(`an operator object holds exactly one operator, got ${keys.join(',')}`);
  const [name] = keys as [string];
  const arg = op[name];
  if (name === 'exists') {
    if (typeof arg !== 'boolean') throw new Error('exists takes a boolean');
    return arg === present;
  }
  if (!present) return false;
  switch (name) {
    case 'prefix':
      return values.some((v) => typeof v === 'string' && typeof arg === 'string' && v.startsWith(arg));
    case 'suffix':
      return values.some((v) => typeof v === 'string' && typeof arg === 'string' && v.endsWith(arg));
    case 'equals-ignore-case':
      return values.some((v) => typeof v === 'string' && typeof arg === 'string' && v.toLowerCase() === arg.toLowerCase());
    case 'anything-but':
      return values.some((v) => !anythingButExcludes(arg, v));
    case 'numeric':
      return values.some((v) => typeof v === 'number' && numericMatches(arg, v));
    default:
      throw new Error(`operator '${name}' is not supported by this matcher`);
  }
}

function anythingButExcludes(arg: unknown, value: unknown): boolean {
  if (Array.isArray(arg)) return arg.some((a) => equalScalar(a, value));
  if (isRecord(arg)) {
    const prefix = arg['prefix'];
    if (typeof prefix === 'string') return typeof value === 'string' && value.startsWith(prefix);
    throw new Error('anything-but supports a value, a list of values or {prefix}');
  }
  return equalScalar(arg, value);
}

function numericMatches(arg: unknown, value: number): boolean {
  if (!Array.isArray(arg) || arg.length % 2 !== 0) throw new Error('numeric takes [op, number, ...] pairs');
  for (let i = 0; i < arg.length; i += 2) {
    const [op, n] = [arg[i], Number(arg[i + 1])];
    const ok = op === '>' ? value > n : op === '>=' ? value >= n : op === '<' ? value < n : op === '<=' ? value <= n : op === '=' ? value === n : undefined;
    if (ok === undefined) throw new Error(`numeric operator '${String(op)}' is not supported`);
    if (!ok) return false;
  }
  return true;
}

/** Strings, numbers, booleans and null compare by value; EventBridge treats 1 and 1.0 alike, as JS does. */
function equalScalar(expected: unknown, actual: unknown): boolean {
  return expected === actual;
}

