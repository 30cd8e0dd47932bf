/**
 * What every AWS SDK client of the functions is built with: a request that hangs is cut after
 * AWS_REQUEST_TIMEOUT_MS and retried by the SDK at most AWS_MAX_ATTEMPTS times in all, so one call can never
 * take more than about 20 s, well inside the evaluate function's 60 s (serverless.yml). Without a timeout a
 * PutEvents accepted but never answered holds the invocation until Lambda kills it, decisions unpublished.
 */
export const AWS_REQUEST_TIMEOUT_MS = 5_000;
export const AWS_CONNECT_TIMEOUT_MS = 2_000;
export const AWS_MAX_ATTEMPTS = 3;

export function awsClientOptions(): {
  maxAttempts: number;
  requestHandler: { requestTimeout: number; connectionTimeout: number; throwOnRequestTimeout: true };
} {
  // Without throwOnRequestTimeout the handler only logs a warning at the timeout and goes on waiting.
  return {
    maxAttempts: AWS_MAX_ATTEMPTS,
    requestHandler: { requestTimeout: AWS_REQUEST_TIMEOUT_MS, connectionTimeout: AWS_CONNECT_TIMEOUT_MS, throwOnRequestTimeout: true },
  };
}
