/**
 * Preflight: checks an environment file's facts against the live vCenter before deploying
 * (docs/preflight.md). cdktf-free: govc for vCenter, plain functions for the checks.
 */
export {
  PREFLIGHT_RULES,
  PREFLIGHT_RULE_IDS,
  printPreflightFinding,
  sortFindings,
  type PreflightFinding,
  type PreflightRuleId,
  type PreflightRuleInfo,
  type PreflightSeverity,
} from "./rules";
export * from "./inventory";
export {
  basesInUse,
  checkEnvironment,
  declarableType,
  describeSnapshots,
  majorMinor,
  plannedClones,
  providerSnapshotProblem,
  rolloutOf,
  type PlannedClone,
  type PreflightEnvironment,
  type Rollout,
} from "./checks";
export { renderFacts } from "./facts";
export {
  GOVC_MODULE,
  GOVC_VERSION,
  GovcError,
  PreflightUsageError,
  collect,
  findGovc,
  gather,
  govcCacheDir,
  govcEnv,
  govcRunner,
  redact,
  which,
  type Connection,
  type GovcRunner,
} from "./govc";
export {
  StateReadError,
  localStatePath,
  parseState,
  readState,
  shownPath,
  type StateLocation,
  type StateSnapshot,
  type StateView,
  type StateVm,
} from "./state";
export { runPreflight, type EnvironmentReport, type PreflightOptions, type PreflightResult } from "./run";
