/**
 * The mapping language: load (with file:line:column errors), normalise vendor events, resolve IGA
 * entitlements to PAM targets, plan and interpret outbound requests, correlate principals, and trace dry-runs.
 * Everything here is pure and runs in the browser too; `loader-fs.ts` (import it directly) reads directories.
 */
export * from './canonical-event.ts';
export type { AccessConstraints, CompiledMapping, CompiledTarget } from './compile-mapping.ts';
export type { CompiledProfile, CompiledRequest, CompiledRule } from './compile-profile.ts';
export { correlatePrincipal, type Correlation } from './correlation.ts';
export type { AssignmentInput, EntitlementInput, IdentityInput } from './entitlement-input.ts';
export { compileExpression, type Expression } from './expression.ts';
export { runGoldens, runGoldenFile, sameJson, type GoldenOutcome } from './golden-run.ts';
export { loadMappingSet, type SourceFile } from './loader.ts';
export type { ConnectorBindings, GoldenFile, MappingSet } from './mapping-set.ts';
export { normalise } from './normalise.ts';
export { planPoll, readPollPage, type PollPage } from './poll-plan.ts';
export { interpretResponse, planRequest, type InventoryItem, type PlanInput, type PlannedRequest, type ResponseResult } from './outbound-plan.ts';
export { OUTBOUND_ACTIONS, type OutboundAction, type VendorProfileDoc } from './profile-schema.ts';
export type { EntitlementMappingDoc } from './mapping-schema.ts';
export { isPromise, type MaybePromise } from './maybe.ts';
export { findMappingsForTarget, matchMapping, pamPrincipalOf, resolveTargets, type MappingMatch, type PlannedCall, type ResolvedTarget, type ResolveResult, type TargetMappingMatch } from './resolve.ts';
export { defaultBindings, formatTrace, trace, type Trace, type TraceStep } from './tracer.ts';
export { parseTraceInput, traceInputSchema, type TraceInput } from './trace-input.ts';
export { formatLoadError, type LoadError } from './yaml-source.ts';
export type { Result } from './result.ts';
