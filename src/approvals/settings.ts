import type { RemediatorConfig, SecretRef, SlackAppConfig } from '../config/schema.js';
import type { ApprovalAction, TwoPersonRule } from '../domain/approval.js';
import { parseDuration } from '../domain/duration.js';
import { registerSecret } from '../observability/redact.js';

/** The Slack app's settings with its secrets read: what notify (signing), interact and evaluate (checking) use. */
export interface ApprovalSettings {
  teamId: string;
  appId: string;
  approvers: ReadonlySet<string>;
  twoPersonRules: readonly TwoPersonRule[];
  ttlMs: number;
  actions: ReadonlySet<ApprovalAction>;
  responseUrlOrigins: readonly string[];
  /** Current first, previous second during a rotation; empty means refuse every request. */
  signingSecrets: readonly string[];
  /** Current first (it signs), previous second; empty means no buttons and no approval accepted. */
  buttonKeys: readonly string[];
}

export class ApprovalConfigError extends Error {
  override readonly name = 'ApprovalConfigError';
}

/**
 * One secret per non-empty line; each is registered with the redactor before anything else sees it. No default
 * reader: interact passes its signed-HTTP one (src/aws-http), the others `readSsmParameter` (src/config/load.ts).
 */
export async function readSecretRef(ref: SecretRef | undefined, getParameter: (name: string) => Promise<string>): Promise<string[]> {
  if (!ref) return [];
  const raw = 'value' in ref ? ref.value : await getParameter(ref.ssmParameter);
  const secrets = raw
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .slice(0, 2);
  for (const s of secrets) registerSecret(s);
  return secrets;
}

/** undefined when no Slack app is configured: messages stay as they are and interact fails closed. */
export async function approvalSettings(
  config: Pick<RemediatorConfig, 'slack'>,
  o: { getParameter: (name: string) => Promise<string>; need: { signingSecrets: boolean; buttonKeys: boolean } },
): Promise<ApprovalSettings | undefined> {
  const app: SlackAppConfig | undefined = config.slack?.app;
  if (!app) return undefined;
  const [signingSecrets, buttonKeys] = await Promise.all([
    o.need.signingSecrets ? readSecretRef(app.signingSecret, o.getParameter) : Promise.resolve([]),
    o.need.buttonKeys ? readSecretRef(app.buttonKey, o.getParameter) : Promise.resolve([]),
  ]);
  return {
    teamId: app.teamId,
    appId: app.appId,
    approvers: new Set(app.approvers),
    twoPersonRules: app.requireTwoApproversFor,
    ttlMs: parseDuration(app.approvalTtl),
    actions: new Set(app.actions),
    responseUrlOrigins: app.responseUrlOrigins.map((u) => new URL(u).origin),
    signingSecrets,
    buttonKeys,
  };
}

/** Whether a response_url may be posted to: only Slack's own origin (or what the configuration names). */
export function responseUrlAllowed(url: string, origins: readonly string[]): boolean {
  try {
    const u = new URL(url);
    return origins.includes(u.origin);
  } catch {
    return false;
  }
}
