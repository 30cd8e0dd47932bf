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
 * A bare 40-character base64 run with mixed case is how an AWS secret access key looks. Requiring both cases
 * and a digit or `/`/`+` keeps hex digests and git SHAs (lowercase hex) out.
 */
const AWS_SECRET_LIKE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
function looksLikeAwsSecret(s: string): boolean {
  return /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9/+]/.test(s);
}

/** Keys whose value is a secret whatever it looks like. */
const SECRET_KEY = /^(authorization|password|passwd|secret|token|access_?token|webhook_?url|slack_?webhook(_?url)?|x-amz-security-token|secretaccesskey|sessiontoken)$/i;

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
  return out;
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
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null ? REDACTED : redactValue(v, ancestors);
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * JSON.stringify replacer for Powertools Logger (`jsonReplacerFn`): scrubs every string on its way out,
 * including error messages and stacks the logger serialises after us.
 */
export function redactingJsonReplacer(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_KEY.test(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return redactString(value);
  if (value instanceof Error) return redactValue(value, new WeakSet());
  return value;
}
