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

/**
 * What is left to do once the evidence bundle and intent are stored: one PATCH attempt and one PutEvents attempt
 * (5 s each). The bundle can take most of a Workflow's budget (its reads and writes are bounded one by one, not as
 * a whole), so the PATCH is not sent with less than this left; the intent stays, and the redelivery sends the same
 * PATCH (same decisionId). Were the sandbox killed after the PATCH anyway, recovery from the intent record closes it.
 */
export const ACT_BUDGET_MS = 10_000;

/** A Workflow not started, or its PATCH not sent, for lack of time: its records fail and SQS redelivers them. */
export class TimeBudgetError extends Error {
  override readonly name = 'TimeBudgetError';
  readonly retryable = true;
  readonly kind = 'time-budget';
  constructor(remainingMs: number, stage: 'start' | 'act' = 'start') {
    const left = Math.max(0, Math.round(remainingMs));
    super(
      stage === 'start'
        ? `not started: ${left} ms left in the invocation, one Workflow needs ${WORKFLOW_BUDGET_MS} ms; retried by SQS`
        : `PATCH not sent: ${left} ms left after the evidence and intent were stored, the act needs ${ACT_BUDGET_MS} ms; retried by SQS`,
    );
  }
}
