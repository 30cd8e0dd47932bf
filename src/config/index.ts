export { ConfigError } from './config-error.js';
export {
  AUDIT_BUCKET_ENV,
  CONFIG_ENV,
  CONFIG_SSM_PARAM_ENV,
  SLACK_WEBHOOK_SSM_PARAM_ENV,
  clearConfigCache,
  loadConfigFile,
  loadConfigFromEnv,
  parseConfig,
  type ConfigDeps,
  type Env,
} from './load.js';
export { matchesNamespace, NamespacePattern } from './namespace-pattern.js';
export { policyFor, type EffectivePolicy } from './policy.js';
export {
  RemediatorConfig,
  SlackWebhookRef,
  type ClusterConfig,
  type RemediatorConfigInput,
} from './schema.js';
