/**
 * Time budgets of one evaluate invocation (src/evaluate/README.md). Lambda discards the sandbox at the
 * function's timeout, whatever is in flight, so the batch must never start work it cannot finish and publish.
 */

/**
 * What one Workflow may need from start to published decision: the reads (Workflow, GC pods, tasks), a PATCH, on
 * a conflict one re-read and one resend, each a Kubernetes request bounded by FUNCTION_KUBE_REQUESTS (src/runtime/aws.ts), and a
 * PutEvents within the AWS client timeouts. A Workflow is only started with at least this much time left.
 */
export const WORKFLOW_BUDGET_MS = 20_000;

/** A Workflow not started for lack of time: its records fail and SQS redelivers them to a fresh invocation. */
export class TimeBudgetError extends Error {
  override readonly name = 'TimeBudgetError';
  readonly retryable = true;
  readonly kind = 'time-budget';
  constructor(remainingMs: number) {
    super(`not started: ${Math.max(0, Math.round(remainingMs))} ms left in the invocation, one Workflow needs ${WORKFLOW_BUDGET_MS} ms; retried by SQS`);
  }
}
