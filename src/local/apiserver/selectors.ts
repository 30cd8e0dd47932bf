/**
 * Label and field selectors with the grammar and matching rules of k8s.io/apimachinery/pkg/labels and
 * pkg/fields: `a=b`, `a==b`, `a!=b` (also true when the label is absent), `a`, `!a`, `a in (x,y)`,
 * `a notin (x,y)` (true when absent), `a>1`, `a<1`. Pure functions.
 */

export type LabelOperator = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export type LabelSelector = LabelRequirement[];

export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

type Token =
  | { t: 'id'; v: string }
  | { t: 'op'; v: '=' | '==' | '!=' | '!' | '(' | ')' | ',' | '>' | '<' };

const SPECIAL = new Set(['!', '=', ',', '(', ')', '<', '>', ' ', '\t', '\n', '\r']);

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '=' && input[i + 1] === '=') {
      out.push({ t: 'op', v: '==' });
      i += 2;
    } else if (c === '!' && input[i + 1] === '=') {
      out.push({ t: 'op', v: '!=' });
      i += 2;
    } else if (c === '=' || c === '!' || c === '(' || c === ')' || c === ',' || c === '>' || c === '<') {
      out.push({ t: 'op', v: c });
      i++;
    } else {
      let j = i;
      while (j < input.length && !SPECIAL.has(input[j] ?? '')) j++;
      out.push({ t: 'id', v: input.slice(i, j) });
      i = j;
    }
  }
  return out;
}

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateKey(key: string): void {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    throw new SelectorError(`unable to parse requirement: invalid label key "${key}": prefix part must be a DNS-1123 subdomain`);
  }
  if (name.length === 0 || name.length > 63 || !NAME_PART.test(name)) {
    throw new SelectorError(
      `unable to parse requirement: invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

function validateValue(value: string): void {
  if (value.length > 63 || (value.length > 0 && !NAME_PART.test(value))) {
    throw new SelectorError(
      `unable to parse requirement: invalid label value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

function describe(tok: Token | undefined): string {
  return tok === undefined ? 'EOS' : tok.v;
}

export function parseLabelSelector(input: string | undefined): LabelSelector {
  if (input === undefined || input.trim() === '') return [];
  const toks = tokenize(input);
  const reqs: LabelRequirement[] = [];
  let i = 0;
  const peek = (): Token | undefined => toks[i];
  const next = (): Token | undefined => toks[i++];
  const atEnd = (): boolean => i >= toks.length;
  const expectSeparator = (): void => {
    const t = peek();
    if (t === undefined) return;
    if (t.t === 'op' && t.v === ',') {
      i++;
      if (atEnd()) throw new SelectorError(`found 'EOS', expected: identifier after ','`);
      return;
    }
    throw new SelectorError(`found '${t.v}', expected: ',' or 'end of string'`);
  };

  while (!atEnd()) {
    let t = next();
    if (t?.t === 'op' && t.v === '!') {
      const k = next();
      if (k?.t !== 'id') throw new SelectorError(`found '${describe(k)}', expected: identifier after '!'`);
      validateKey(k.v);
      reqs.push({ key: k.v, operator: '!', values: [] });
      expectSeparator();
      continue;
    }
    if (t?.t !== 'id') throw new SelectorError(`found '${describe(t)}', expected: !, identifier, or 'end of string'`);
    const key = t.v;
    validateKey(key);
    t = peek();
    if (t === undefined || (t.t === 'op' && t.v === ',')) {
      reqs.push({ key, operator: 'exists', values: [] });
      expectSeparator();
      continue;
    }
    next();
    if (t.t === 'id' && (t.v === 'in' || t.v === 'notin')) {
      const open = next();
      if (open?.t !== 'op' || open.v !== '(') throw new SelectorError(`found '${describe(open)}', expected: '('`);
      const values: string[] = [];
      for (;;) {
        let v = next();
        let value = '';
        if (v?.t === 'id') {
          value = v.v;
          v = next();
        }
        validateValue(value);
        values.push(value);
        if (v?.t === 'op' && v.v === ')') break;
        if (v?.t === 'op' && v.v === ',') continue;
        throw new SelectorError(`found '${describe(v)}', expected: ',', ')' or identifier`);
      }
      reqs.push({ key, operator: t.v, values });
      expectSeparator();
      continue;
    }
    if (t.t !== 'op' || !['=', '==', '!=', '>', '<'].includes(t.v)) {
      throw new SelectorError(`found '${t.v}', expected: '=', '!=', '==', 'in', notin'`);
    }
    let value = '';
    const v = peek();
    if (v?.t === 'id') {
      value = v.v;
      next();
    } else if (v !== undefined && !(v.t === 'op' && v.v === ',')) {
      throw new SelectorError(`found '${v.v}', expected: identifier`);
    }
    if (t.v === '>' || t.v === '<') {
      if (!/^-?\d+$/.test(value)) {
        throw new SelectorError(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
      }
      reqs.push({ key, operator: t.v === '>' ? 'gt' : 'lt', values: [value] });
    } else {
      validateValue(value);
      reqs.push({ key, operator: t.v === '!=' ? '!=' : '=', values: [value] });
    }
    expectSeparator();
  }
  return reqs;
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, unknown> | undefined): boolean {
  for (const r of selector) {
    const present = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const raw = present ? labels?.[r.key] : undefined;
    const value = typeof raw === 'string' ? raw : raw === undefined || raw === null ? undefined : String(raw);
    switch (r.operator) {
      case 'exists':
        if (!present) return false;
        break;
      case '!':
        if (present) return false;
        break;
      case '=':
        if (!present || value !== r.values[0]) return false;
        break;
      case '!=':
        if (present && value === r.values[0]) return false;
        break;
      case 'in':
        if (!present || !r.values.includes(value ?? '')) return false;
        break;
      case 'notin':
        if (present && r.values.includes(value ?? '')) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!present || !/^-?\d+$/.test(value ?? '')) return false;
        const n = Number(value);
        const bound = Number(r.values[0]);
        if (r.operator === 'gt' ? !(n > bound) : !(n < bound)) return false;
        break;
      }
    }
  }
  return true;
}

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export type FieldSelector = FieldRequirement[];

/** Splits on an unescaped separator; `\` escapes `\`, `,` and `=` as in pkg/fields. */
function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '\\' && i + 1 < s.length) {
      cur += c + (s[i + 1] ?? '');
      i++;
    } else if (c === sep) {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  return parts;
}

function unescapeFieldValue(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i] ?? '';
    if (c === '\\') {
      const n = v[i + 1];
      if (n === '\\' || n === ',' || n === '=') {
        out += n;
        i++;
        continue;
      }
      throw new SelectorError(`invalid field selector: invalid escape sequence: \\${n ?? ''}`);
    }
    out += c;
  }
  return out;
}

export function parseFieldSelector(input: string | undefined): FieldSelector {
  if (input === undefined || input.trim() === '') return [];
  const out: FieldRequirement[] = [];
  for (const term of splitUnescaped(input, ',')) {
    if (term === '') continue;
    let idx = -1;
    let op: '=' | '!=' = '=';
    let width = 1;
    for (let i = 0; i < term.length; i++) {
      if (term[i] === '\\') {
        i++;
        continue;
      }
      if (term[i] === '!' && term[i + 1] === '=') {
        idx = i;
        op = '!=';
        width = 2;
        break;
      }
      if (term[i] === '=') {
        idx = i;
        op = '=';
        width = term[i + 1] === '=' ? 2 : 1;
        break;
      }
    }
    if (idx < 0) throw new SelectorError(`invalid selector: '${input}'; can't understand '${term}'`);
    out.push({ field: term.slice(0, idx).trim(), operator: op, value: unescapeFieldValue(term.slice(idx + width)) });
  }
  return out;
}

/** Resolves a field to its value; returns undefined for fields the resource does not support. */
export type FieldResolver = (field: string) => string | undefined;

export function matchesFields(selector: FieldSelector, resolve: FieldResolver): boolean {
  for (const r of selector) {
    const v = resolve(r.field) ?? '';
    if (r.operator === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
