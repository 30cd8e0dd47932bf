// The finishing use cases (README "Finishing GC"), as the evaluate pipeline, the CLI and Slack approvals (issue 14) call
// them: `planFinishing` says what each action would do for an assessment under a policy (pure), `runFinishing`
// runs one action for one live Workflow.
export { planFinishing, REARM_CAUSES, type FinishingOffer, type FinishingPlan } from './plan.js';
export { runFinishing, FinishingOutcome, type DeletedRecord, type FinishingContext, type FinishingDeps, type FinishingResult } from './run.js';
export { invocationBudget, type DailyLedger, type FinishingBudget, type FinishingEvidence, type LedgerAnswer } from './ports.js';
export { CasDailyLedger, dailyLedgerFor, FolderVersionedStore, ledgerKey, S3VersionedStore, type VersionedStore } from './ledger.js';
export { verifyInBuckets, snapshotFacts, type VerifyOutcome } from './verify.js';
export { afterFinishing, countFinishing, finishAfterNotify, FinishingBudgets, reportOf, type AfterNotify, type FinishingWiring } from './after-notify.js';
export { finishingConfigured, finishingWiringFor, finishingWiringFromEnv, type FinishingWiringOptions } from './wiring.js';
