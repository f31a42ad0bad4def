/**
 * The one typed boundary of the console: the renderer calls these methods and nothing else. In Electron they
 * cross the preload bridge to the main process; in a browser an HTTP client implements them against `/api/v1`.
 */
import type {
  ConflictsQuery, Conflict, ConnectorView, ConsoleEvent, DryRunInput, DryRunResult, EvidenceExport, EvidenceExportInput,
  FindingDetail, FindingsQuery, Finding, HealthSummary, LedgerVerification, MappingFileText, MappingHealth, MappingsOverview,
  OutboxMessage, OutboxQuery, PageOf, ReplayInput, ResolveConflictInput, ResolveConflictResult, SaveMappingResult, ValidationResult,
} from './api-types.ts';

export interface ConsoleApi {
  health(): Promise<HealthSummary>;
  listFindings(query: FindingsQuery): Promise<PageOf<Finding>>;
  getFinding(id: string): Promise<FindingDetail>;
  listConflicts(query: ConflictsQuery): Promise<PageOf<Conflict>>;
  resolveConflict(id: string, input: ResolveConflictInput): Promise<ResolveConflictResult>;
  getMappings(): Promise<MappingsOverview>;
  getMappingFile(file: string): Promise<MappingFileText>;
  validateMapping(input: MappingFileText): Promise<ValidationResult>;
  saveMapping(input: MappingFileText): Promise<SaveMappingResult>;
  dryRun(input: DryRunInput): Promise<DryRunResult>;
  listConnectors(): Promise<readonly ConnectorView[]>;
  listOutbox(query: OutboxQuery): Promise<PageOf<OutboxMessage>>;
  replayDeadLetters(input: ReplayInput): Promise<{ readonly replayed: number }>;
  exportEvidence(input: EvidenceExportInput): Promise<EvidenceExport>;
  verifyLedger(): Promise<LedgerVerification>;
  mappingHealth(): Promise<MappingHealth>;
  /** Live domain events; returns the function that stops them. */
  subscribe(onEvent: (event: ConsoleEvent) => void): () => void;
}

/** The request/response methods (everything but `subscribe`): the IPC channels of the Electron bridge. */
export const CONSOLE_METHODS = [
  'health', 'listFindings', 'getFinding', 'listConflicts', 'resolveConflict', 'getMappings', 'getMappingFile',
  'validateMapping', 'saveMapping', 'dryRun', 'listConnectors', 'listOutbox', 'replayDeadLetters', 'exportEvidence',
  'verifyLedger', 'mappingHealth',
] as const satisfies readonly Exclude<keyof ConsoleApi, 'subscribe'>[];

export type ConsoleMethod = (typeof CONSOLE_METHODS)[number];

/** IPC channel names: `lockstep:<method>`, plus the event push channel and subscription control. */
export const channelOf = (method: ConsoleMethod): string => `lockstep:${method}`;
export const EVENT_CHANNEL = 'lockstep:event';
export const SUBSCRIBE_CHANNEL = 'lockstep:subscribe';
export const UNSUBSCRIBE_CHANNEL = 'lockstep:unsubscribe';
