// Mutant runs only: a property that fails stops at its first counterexample instead of shrinking it. Shrinking
// only makes the report readable; under a mutant it can run past Stryker's timeout and restart the test process,
// which made timed-out mutants the slowest part of a run. A failure is still a failure: nothing killed is lost.
import fc from 'fast-check';

fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: true });
