// Static, not import(): every deployed cold start reads the parameter, so its cost belongs in the measured
// load, and a bundled import() costs more than it saves. interact reads through loadConfigWith and its own
// signed-HTTP reader (src/aws-http), so the SDK is tree-shaken out of its bundle.
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readFile } from 'node:fs/promises';
import { CORE_SCHEMA, load as loadYaml, YAMLException } from 'js-yaml';
import { ConfigError, type ConfigProblem, configProblems, describeIssues } from './config-error.js';
import { RemediatorConfig } from './schema.js';
import { isRecord } from '../domain/json.js';
import { awsClientOptions } from '../aws/client-options.js';

/** Environment variables the Lambda functions read (serverless.yml sets them). */
export const CONFIG_ENV = 'AFR_CONFIG';
export const CONFIG_SSM_PARAM_ENV = 'AFR_CONFIG_SSM_PARAM';
export const AUDIT_BUCKET_ENV = 'AUDIT_BUCKET';
export const SLACK_WEBHOOK_SSM_PARAM_ENV = 'SLACK_WEBHOOK_SSM_PARAM';
export const SLACK_SIGNING_SECRET_SSM_PARAM_ENV = 'SLACK_SIGNING_SECRET_SSM_PARAM';
export const SLACK_BUTTON_KEY_SSM_PARAM_ENV = 'SLACK_BUTTON_KEY_SSM_PARAM';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigDeps {
  /** Reads a (SecureString) SSM parameter, decrypted. Defaults to the AWS SDK, loaded on first use. */
  getParameter?: (name: string) => Promise<string>;
  /** Where non-fatal advice goes (a webhook URL held in the config itself...). Defaults to nowhere. */
  warn?: (message: string) => void;
}

/** Validates an already-parsed document; `origin` names where it came from in error messages. */
export function parseConfig(document: unknown, origin: string, warn?: (message: string) => void): RemediatorConfig {
  const result = RemediatorConfig.safeParse(document);
  if (!result.success) {
    throw new ConfigError(`invalid configuration (${origin}): ${describeIssues(result.error)}`);
  }
  const app = result.data.slack?.app;
  if (app && ((app.signingSecret && 'value' in app.signingSecret) || (app.buttonKey && 'value' in app.buttonKey))) {
    warn?.(
      `configuration (${origin}) holds a Slack signing secret or button key itself (value): fine for local runs, ` +
        'but deployments should use ssmParameter',
    );
  }
  if (result.data.slack && 'url' in result.data.slack.webhook) {
    warn?.(
      `configuration (${origin}) holds the Slack webhook URL itself (slack.webhook.url): fine for local runs, ` +
        'but deployments should use slack.webhook.ssmParameter or slack.webhook.secretId',
    );
  }
  return result.data;
}

/** The CLI's `--config FILE`: JSON or YAML (YAML 1.2 reads JSON too). */
export async function loadConfigFile(path: string, deps: Pick<ConfigDeps, 'warn'> = {}): Promise<RemediatorConfig> {
  return parseConfig(parseText(await readConfigFile(path), `file ${path}`), `file ${path}`, deps.warn);
}

export async function readConfigFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new ConfigError(`cannot read configuration file ${path} (${code})`);
  }
}

export type ConfigCheck = { ok: true; config: RemediatorConfig } | { ok: false; problems: ConfigProblem[] };

/**
 * What a cold start would make of this text, every problem listed rather than the first: the same parser
 * and the same schema the functions use, so a document that passes here loads in Lambda.
 */
export function checkConfigText(text: string, origin: string): ConfigCheck {
  let document: unknown;
  try {
    document = parseText(text, origin);
  } catch (err) {
    return { ok: false, problems: [{ path: '(syntax)', message: (err as Error).message }] };
  }
  const result = RemediatorConfig.safeParse(document);
  return result.success ? { ok: true, config: result.data } : { ok: false, problems: configProblems(result.error) };
}

/**
 * The functions' configuration, at cold start: `AFR_CONFIG` (inline JSON) wins over `AFR_CONFIG_SSM_PARAM`
 * (a parameter name, read with decryption). `AUDIT_BUCKET` and `SLACK_WEBHOOK_SSM_PARAM` fill `audit.bucket`
 * and `slack` when the document leaves them out, so the deployment's own wiring is the default.
 * The result is cached per input, so warm invocations pay nothing; a failed read is not cached.
 */
export function loadConfigFromEnv(env: Env, deps: ConfigDeps = {}): Promise<RemediatorConfig> {
  return loadConfigWith(env, { ...deps, getParameter: deps.getParameter ?? ssmGetParameter });
}

/** loadConfigFromEnv with the parameter reader given (interact's signed HTTP): the AWS SDK stays out. */
export function loadConfigWith(env: Env, deps: ConfigDeps & Required<Pick<ConfigDeps, 'getParameter'>>): Promise<RemediatorConfig> {
  const inline = nonEmpty(env[CONFIG_ENV]);
  const parameter = nonEmpty(env[CONFIG_SSM_PARAM_ENV]);
  const key = JSON.stringify([
    inline,
    inline === undefined ? parameter : undefined,
    env[AUDIT_BUCKET_ENV],
    env[SLACK_WEBHOOK_SSM_PARAM_ENV],
    env[SLACK_SIGNING_SECRET_SSM_PARAM_ENV],
    env[SLACK_BUTTON_KEY_SSM_PARAM_ENV],
  ]);
  const cached = cache.get(key);
  if (cached) return cached;
  const loading = load(env, inline, parameter, deps);
  cache.set(key, loading);
  loading.catch(() => cache.delete(key));
  return loading;
}

/** For tests, and for a function that wants a configuration change to take effect without a cold start. */
export function clearConfigCache(): void {
  cache.clear();
}

const cache = new Map<string, Promise<RemediatorConfig>>();

async function load(
  env: Env,
  inline: string | undefined,
  parameter: string | undefined,
  deps: ConfigDeps & Required<Pick<ConfigDeps, 'getParameter'>>,
): Promise<RemediatorConfig> {
  let document: unknown;
  let origin: string;
  if (inline !== undefined) {
    origin = `env ${CONFIG_ENV}`;
    document = parseText(inline, origin);
  } else if (parameter !== undefined) {
    origin = `SSM parameter ${parameter}`;
    document = parseText(await deps.getParameter(parameter), origin);
  } else {
    throw new ConfigError(
      `no configuration: set ${CONFIG_ENV} (the configuration as JSON) or ${CONFIG_SSM_PARAM_ENV} (the name of ` +
        'an SSM parameter holding it)',
    );
  }
  return parseConfig(withDeploymentDefaults(document, env), origin, deps.warn);
}

function withDeploymentDefaults(document: unknown, env: Env): unknown {
  if (!isRecord(document)) return document;
  const result: Record<string, unknown> = { ...document };
  const bucket = nonEmpty(env[AUDIT_BUCKET_ENV]);
  if (bucket !== undefined && (result['audit'] === undefined || isRecord(result['audit']))) {
    const audit = (result['audit'] ?? {}) as Record<string, unknown>;
    if (audit['bucket'] === undefined) result['audit'] = { ...audit, bucket };
  }
  const webhookParameter = nonEmpty(env[SLACK_WEBHOOK_SSM_PARAM_ENV]);
  if (webhookParameter !== undefined && result['slack'] === undefined) {
    result['slack'] = { webhook: { ssmParameter: webhookParameter } };
  }
  // The Slack app's secrets default to the parameters serverless.yml created and granted, like the webhook.
  const slack = result['slack'];
  if (isRecord(slack) && isRecord(slack['app'])) {
    const app: Record<string, unknown> = { ...slack['app'] };
    const signing = nonEmpty(env[SLACK_SIGNING_SECRET_SSM_PARAM_ENV]);
    const key = nonEmpty(env[SLACK_BUTTON_KEY_SSM_PARAM_ENV]);
    if (signing !== undefined && app['signingSecret'] === undefined) app['signingSecret'] = { ssmParameter: signing };
    if (key !== undefined && app['buttonKey'] === undefined) app['buttonKey'] = { ssmParameter: key };
    result['slack'] = { ...slack, app };
  }
  return result;
}

/**
 * js-yaml, the parser client-node already brings, so the functions carry one YAML parser. CORE_SCHEMA: plain
 * YAML 1.2 scalars (and JSON) only, no timestamps or merge keys. Errors report js-yaml's `reason` and a
 * position, never its `message`: that quotes the offending source line, which may be the line holding a token.
 */
function parseText(text: string, origin: string): unknown {
  try {
    return loadYaml(text, { schema: CORE_SCHEMA });
  } catch (err) {
    if (err instanceof YAMLException && err.mark) {
      throw new ConfigError(
        `configuration (${origin}) is not valid JSON or YAML: ${err.reason} at line ${err.mark.line + 1}, column ${err.mark.column + 1}`,
      );
    }
    throw new ConfigError(`configuration (${origin}) is not valid JSON or YAML`);
  }
}

/** Reads one SecureString parameter, decrypted. Errors name the parameter, never its value. */
export const readSsmParameter = (name: string): Promise<string> => ssmGetParameter(name);

/**
 * A parameter reader from one that may find no value (the SDK's client, or interact's signed HTTP): a missing
 * value and every failure become a ConfigError naming the parameter and the AWS error code, never the value.
 */
export function parameterReader(get: (name: string) => Promise<string | undefined>): (name: string) => Promise<string> {
  return async (name) => {
    let value: string | undefined;
    try {
      value = await get(name);
    } catch (err) {
      const errorName = (err as { name?: unknown }).name;
      // No `cause`: a logger that prints causes in full would print whatever the failure quoted.
      throw new ConfigError(`cannot read SSM parameter ${name} (${typeof errorName === 'string' ? errorName : 'error'})`);
    }
    if (value === undefined) throw new ConfigError(`SSM parameter ${name} has no value`);
    return value;
  };
}

// A declaration, not a top-level call: a bundle that never reads through the SDK (interact) tree-shakes it.
function ssmGetParameter(name: string): Promise<string> {
  sdkReader ??= parameterReader(async (n) => {
    client ??= new SSMClient(awsClientOptions());
    return (await client.send(new GetParameterCommand({ Name: n, WithDecryption: true }))).Parameter?.Value;
  });
  return sdkReader(name);
}

let sdkReader: ((name: string) => Promise<string>) | undefined;

let client: SSMClient | undefined;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

