/**
 * The AWS region as the SDK reads it from the environment: AWS_REGION (Lambda sets it), then AWS_DEFAULT_REGION
 * (the CLI's variable). Undefined when neither is set; each caller decides what that means for it.
 */
export function regionFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || undefined;
}
