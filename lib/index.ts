/**
 * cdktf-vsphere-linked-clones: vSphere linked-clone environments as code.
 *
 * The one public entry of the library: the constructs, their props and every type they
 * mention, the rules and their findings, the environment-file loader and the report.
 * The YAML app (`main.ts`, `stacks/`) uses the library only through this file.
 *
 * @packageDocumentation
 */

// Constructs and their props.
export * from "./constructs";

// The plain model the rules read, and its helpers.
export type {
  AppModel,
  BaseModel,
  ClusterFacts,
  DatastoreFacts,
  DatastoreType,
  GroupModel,
  GuestOs,
  Ipv4Plan,
  Limits,
  MemberModel,
  RolloutModel,
  Severity,
  SourceLocation,
  Site,
  StackModel,
  Suppression,
} from "./model/types";
export { DATASTORE_TYPES } from "./model/types";
export type { MemberSpec, MemberPlan, MemberPlanInput, PlanProblem } from "./model/members";
export { planMembers, MAX_GROUP_COUNT } from "./model/members";
export { defaultPattern, expandPattern, hasPlaceholder, namesFromCount, numberOfName } from "./model/names";
export { chainKey, chainsOf, describeBase, type Chain, type ChainPart } from "./model/chains";

// Rules and findings.
export {
  ALL_RULES,
  RULE_IDS,
  formatMessage,
  hasErrors,
  isRuleId,
  printFinding,
  runRules,
  type Finding,
  type RawFinding,
  type Rule,
  type RuleId,
  type RunOptions,
} from "./rules";

// Environment files.
export { ConfigError, fieldPath, formatProblem, sortProblems, type Problem } from "./config/problems";
export { YamlLocator, parseFieldPath, type Position } from "./config/locate";
export {
  displayPath,
  environmentFiles,
  intendedStackNames,
  loadEnvironment,
  parseEnvironment,
  parseEnvironmentWithPositions,
  stackNameOf,
  type LoadedEnvironment,
} from "./config/loader";
export { sharedFactsProblems } from "./config/shared-facts";
export { sharedStateProblems } from "./config/shared-state";
export {
  environmentSchema,
  type BackendSpec,
  type BaseSpec,
  type EnvironmentSpec,
  type GroupSpec,
} from "./config/schema";

// Findings for machines: SARIF 2.1.0 for code scanning, GitHub Actions annotations.
export { renderSarif, toSarif, SARIF_FILE, CONFIG_RULE_ID, type SarifInput, type SarifTool } from "./report/sarif";
export { githubFinding, githubProblem } from "./report/github";

// The linked-clone report, and the review of a change between two sides (a PR comment).
export { renderReport, summarize, REPORT_FILE } from "./report/report";
export {
  compareSides,
  renderReview,
  summary as reviewSummary,
  type BaseChange,
  type BaseState,
  type EnvironmentReview,
  type EnvironmentTotals,
  type FindingChange,
  type MemberChange,
  type ReplaceReason,
  type Review,
  type RolloutChange,
  type ReviewSide,
} from "./report/review";

// Preflight: the environment file's facts against the live vCenter (read-only, govc).
export {
  PREFLIGHT_RULE_IDS,
  PreflightUsageError,
  runPreflight,
  type EnvironmentReport,
  type PreflightFinding,
  type PreflightOptions,
  type PreflightResult,
  type PreflightRuleId,
  type PreflightSeverity,
} from "./preflight";
