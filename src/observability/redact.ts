/**
 * Secret scrubber applied to every log line, audit record, event and Slack payload we emit.
 *
 * Two layers: patterns for secrets we can recognise by shape (Slack webhook URLs, bearer tokens, EKS
 * `k8s-aws-v1.` tokens, AWS keys, Slack tokens), and exact values registered at runtime (the configured
 * webhook URL, whatever its host: a local receiver on 127.0.0.1 has no recognisable shape).
 */

export const REDACTED = '[REDACTED]';

const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // Incoming webhook and workflow-trigger URLs; the path is the credential.
  [/\bhttps?:\/\/hooks\.slack(?:-gov)?\.com\/[^\s"'<>|`]+/gi, `https://hooks.slack.com/${REDACTED}`],
  [/\bhooks\.slack(?:-gov)?\.com\/(?:services|workflows|triggers)\/[^\s"'<>|`]+/gi, `hooks.slack.com/${REDACTED}`],
  // The webhook path shape on any host (a proxy, a local receiver): /services/T…/B…/<secret>.
  [/\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/g, `/services/${REDACTED}`],
  // EKS IAM tokens are presigned STS URLs; anyone holding one is the Lambda's role for 15 minutes.
  [/\bk8s-aws-v1\.[A-Za-z0-9_\-=.]+/g, `k8s-aws-v1.${REDACTED}`],
  [/\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${REDACTED}`],
  [/\b(Basic)\s+[A-Za-z0-9+/]{8,}=*/g, `$1 ${REDACTED}`],
  [/\bxox[abposre]-[A-Za-z0-9-]{8,}/g, `xox-${REDACTED}`],
  [/\b((?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16})\b/g, REDACTED],
  [/((?:aws_?)?secret_?access_?key["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, `$1${REDACTED}`],
  [/((?:aws_?)?session_?token["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, `$1${REDACTED}`],
  [/(X-Amz-(?:Signature|Security-Token|Credential)=)[^&\s"']+/gi, `$1${REDACTED}`],
];

/**
 * A bare 40-character base64 run with mixed case and a digit is how an AWS secret access key looks. Both cases
 * keep hex digests and git SHAs (lowercase hex) out; the digit keeps out camel-cased words joined by `/`, such
 * as `strategiesProcessed/OnWorkflowCompletion` in a reason. A random 40-character key has no digit about once
 * in a thousand, the price of not blanking readable text.
 */
const AWS_SECRET_LIKE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
function looksLikeAwsSecret(s: string): boolean {
  return /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s);
}

/**
 * Words that make a key name a secret's, whatever its value looks like: `token`, `accessToken`, `X-Api-Key`,
 * `slack_webhook_url`, `clientSecret`, `signingSecrets`... Matched case-insensitively inside the key with `-`, `_`
 * and `.` ignored. `response_url` is Slack's one-time credential for editing a message.
 */
const SECRET_KEY_WORDS = ['token', 'password', 'passwd', 'passphrase', 'secret', 'authorization', 'webhook', 'signature', 'apikey', 'privatekey', 'credential', 'cookie', 'sessionid', 'responseurl'];

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_.]/g, '');
  return SECRET_KEY_WORDS.some((w) => k.includes(w));
}

/** `Authorization: Bearer x`: the scheme is kept, the credential after it goes. */
const AUTH_SCHEME = /(?:Bearer|Basic|Digest|Negotiate|Token)/;
const SCHEME_ONLY = new RegExp(`^${AUTH_SCHEME.source}$`, 'i');
const SCHEME_FIRST = new RegExp(`^(${AUTH_SCHEME.source})\\s+`, 'i');

/**
 * The same rule on text (JSON, JSON inside a JSON string, `key=value`, `key: value` headers): the value after a
 * secret-named key is replaced, quoted or bare, also when the text was cut before its closing quote.
 */
const KEY_IN_TEXT = new RegExp(
  // The lookbehind starts a match only where a key starts: inside a long token the engine gives up at once.
  String.raw`((?:\\?["'])?)(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]*?(?:` +
    SECRET_KEY_WORDS.map((w) => w.split('').join('[-_.]?')).join('|') +
    String.raw`)[A-Za-z0-9_.-]*)\1(\s*[:=]\s*)(\\"(?:(?!\\").)*(?:\\")?|"(?:[^"\\]|\\.)*"?|'[^']*'?|(?:${AUTH_SCHEME.source}\s+)?(?![{\[])[^\s,;&}\]"'\\]+)`,
  'gi',
);

function redactKeyedText(input: string): string {
  return input.replace(KEY_IN_TEXT, (whole, q: string, key: string, sep: string, value: string) => {
    // A JSON object or array after the key is left to the structural pass (`redactText`); booleans say nothing.
    // A scheme alone: what followed it was already redacted by its pattern.
    if (/^(true|false|null)$/i.test(value) || value.includes(REDACTED) || SCHEME_ONLY.test(value)) return whole;
    const scheme = SCHEME_FIRST.exec(value)?.[1];
    if (scheme) return `${q}${key}${q}${sep}${scheme} ${REDACTED}`;
    const quote = value.startsWith('\\"') ? '\\"' : value.startsWith('"') ? '"' : value.startsWith("'") ? "'" : '';
    return `${q}${key}${q}${sep}${quote}${REDACTED}${quote}`;
  });
}

const registered = new Set<string>();

/**
 * Registers an exact secret value (a webhook URL read from SSM, say) so every later redaction removes it.
 * Short values are refused: redacting "abc" everywhere would mangle logs without protecting anything.
 */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 12) registered.add(value);
}

/** For tests that need a clean slate. */
export function clearRegisteredSecrets(): void {
  registered.clear();
}

/**
 * A button value the remediator signed (src/domain/button-value.ts): base64url of a claim that holds only names,
 * a uid and digests, and its HMAC. Its long base64 runs look like AWS secrets to the pattern below, and a single
 * changed character breaks the signature, so a whole, well-formed value is left as it is.
 */
const BUTTON_VALUE = /^afr1\.[A-Za-z0-9_-]{1,2000}\.[A-Za-z0-9_-]{43}$/;

export function redactString(input: string): string {
  if (BUTTON_VALUE.test(input)) return input;
  let out = input;
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  out = out.replace(AWS_SECRET_LIKE, (m) => (looksLikeAwsSecret(m) ? REDACTED : m));
  return redactKeyedText(out);
}

/**
 * Text that may be JSON (an inbound payload): JSON is redacted as data, by key at any depth, and written back;
 * any other text (or JSON cut short) by the patterns and the key rule on text. For excerpts of what came in.
 */
export function redactText(input: string): string {
  const trimmed = input.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(redact(JSON.parse(input)));
    } catch {
      // Not JSON after all: the text rules below still apply.
    }
  }
  return redactString(input);
}

/**
 * Deep copy with every string scrubbed and every value under a secret-named key replaced. Plain data only:
 * class instances other than Error and Date are copied as their own enumerable properties, cycles cut.
 */
export function redact<T>(value: T): T {
  return redactValue(value, new WeakSet()) as T;
}

/** `ancestors` holds the objects on the current path only: a value shared by two fields is not a cycle. */
function redactValue(value: unknown, ancestors: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (ancestors.has(value)) return '[Circular]';
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redactValue(v, ancestors));
    if (value instanceof Error) {
      const err = new Error(redactString(value.message));
      err.name = value.name;
      if (value.stack) err.stack = redactString(value.stack);
      return err;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? secretValue(v) : redactValue(v, ancestors);
    return out;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * What stands under a secret-named key: every string and number in it is replaced, at any depth (`{"token":
 * {"value": "..."}}`); booleans and null say nothing secret (`signatureValid: false`) and are kept.
 */
function secretValue(v: unknown): unknown {
  if (v === undefined || v === null || typeof v === 'boolean') return v;
  if (typeof v !== 'object' || v instanceof Date) return REDACTED;
  if (Array.isArray(v)) return v.map(secretValue);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, secretValue(x)]));
}

/**
 * JSON.stringify replacer for Powertools Logger (`jsonReplacerFn`): scrubs every string on its way out,
 * including error messages and stacks the logger serialises after us.
 */
export function redactingJsonReplacer(key: string, value: unknown): unknown {
  if (key !== '' && isSecretKey(key)) return secretValue(value);
  if (typeof value === 'string') return redactString(value);
  if (value instanceof Error) return redactValue(value, new WeakSet());
  return value;
}
