/**
 * EventBridge event-pattern matching, for the subset our rules use: exact values, `prefix`, `exists`,
 * `anything-but`, `numeric` and nested objects. The local bus routes with it, and the template test checks
 * the deployed rules' patterns against real sample events with it.
 */
export type Pattern = { [key: string]: Pattern | PatternValue[] };
type PatternValue =
  | string
  | number
  | boolean
  | null
  | { prefix: string }
  | { suffix: string }
  | { exists: boolean }
  | { 'anything-but': unknown }
  | { 'equals-ignore-case': string }
  | { numeric: (string | number)[] };

export function matches(pattern: Pattern, event: unknown): boolean {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
  const obj = event as Record<string, unknown>;
  return Object.entries(pattern).every(([key, rule]) => {
    const value = obj[key];
    if (Array.isArray(rule)) return matchesValues(rule, value);
    return value !== undefined && matches(rule, value);
  });
}

function matchesValues(rules: PatternValue[], value: unknown): boolean {
  // Arrays in the event match when any element matches (EventBridge semantics).
  const candidates = Array.isArray(value) ? value : [value];
  return rules.some((rule) => {
    if (rule !== null && typeof rule === 'object') {
      if ('exists' in rule) return rule.exists ? value !== undefined : value === undefined;
      return value !== undefined && candidates.some((v) => matchesOperator(rule, v));
    }
    return value !== undefined && candidates.some((v) => v === rule);
  });
}

function matchesOperator(rule: Exclude<PatternValue, string | number | boolean | null>, v: unknown): boolean {
  if ('prefix' in rule) return typeof v === 'string' && v.startsWith(rule.prefix);
  if ('suffix' in rule) return typeof v === 'string' && v.endsWith(rule.suffix);
  if ('equals-ignore-case' in rule) return typeof v === 'string' && v.toLowerCase() === rule['equals-ignore-case'].toLowerCase();
  if ('anything-but' in rule) {
    const but = rule['anything-but'];
    if (Array.isArray(but)) return !but.includes(v);
    if (but !== null && typeof but === 'object' && 'prefix' in but) return !(typeof v === 'string' && v.startsWith(String((but as { prefix: string }).prefix)));
    return v !== but;
  }
  if ('numeric' in rule) {
    if (typeof v !== 'number') return false;
    const ops = rule.numeric;
    for (let i = 0; i + 1 < ops.length; i += 2) {
      const op = ops[i];
      const n = Number(ops[i + 1]);
      const ok = op === '>' ? v > n : op === '>=' ? v >= n : op === '<' ? v < n : op === '<=' ? v <= n : op === '=' ? v === n : false;
      if (!ok) return false;
    }
    return true;
  }
  return false;
}
