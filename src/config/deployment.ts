import type { ConfigProblem } from './config-error.js';
import type { RemediatorConfig } from './schema.js';

/** SSM's Standard tier holds at most 4 KB a parameter; the Advanced tier 8 KB. */
export const SSM_STANDARD_LIMIT_BYTES = 4096;
export const SSM_ADVANCED_LIMIT_BYTES = 8192;

export interface DeploymentReview {
  /** Settings the deployed stack cannot honour: each would fail at run time, over and over. */
  problems: ConfigProblem[];
  /** Settings that work but deserve a second look. */
  warnings: ConfigProblem[];
}

/**
 * Pure. What a schema-valid configuration still gets wrong once it is in SSM and read by the functions:
 * Lambda has no kubeconfig file, a read-only file system, and an audit role that may write only to the
 * stack's own bucket. `text` is the document as it will be stored, for the parameter size.
 */
export function reviewForDeployment(config: RemediatorConfig, text: string): DeploymentReview {
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  config.clusters.forEach((cluster, i) => {
    const at = `clusters[${i}].auth`;
    if (cluster.auth.type === 'kubeconfig') {
      problems.push({
        path: `${at}.type`,
        message: 'kubeconfig has no file inside Lambda, so every sweep and evaluation of this cluster would fail: use type eks (or token)',
      });
    }
    if (cluster.auth.type === 'token' && cluster.auth.skipTLSVerify) {
      warnings.push({ path: `${at}.skipTLSVerify`, message: 'TLS verification is off: give caData instead' });
    }
  });
  if (config.audit.bucket !== undefined) {
    problems.push({
      path: 'audit.bucket',
      message: "the stack owns the audit bucket (AUDIT_BUCKET) and the audit role may write only there: remove this key",
    });
  }
  if (config.audit.kmsKeyId !== undefined) {
    warnings.push({
      path: 'audit.kmsKeyId',
      message: "the audit role may use only the stack's kmsKeyArn: leave this out and set that parameter instead",
    });
  }
  if (config.audit.localDir !== undefined) {
    problems.push({ path: 'audit.localDir', message: "Lambda's file system is read-only: remove this key (it is for local runs)" });
  }
  if (config.slack && 'url' in config.slack.webhook) {
    warnings.push({
      path: 'slack.webhook.url',
      message: 'the webhook URL sits in the configuration itself: prefer slack.webhook.ssmParameter (the stack default) or secretId',
    });
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > SSM_ADVANCED_LIMIT_BYTES) {
    problems.push({
      path: '(document)',
      message: `${bytes} bytes is more than an SSM parameter holds, even on the Advanced tier (${SSM_ADVANCED_LIMIT_BYTES}): split the clusters across two stages`,
    });
  } else if (bytes > SSM_STANDARD_LIMIT_BYTES) {
    warnings.push({
      path: '(document)',
      message: `${bytes} bytes is more than the SSM Standard tier's ${SSM_STANDARD_LIMIT_BYTES}: store it with aws ssm put-parameter --tier Advanced`,
    });
  }
  return { problems, warnings };
}
