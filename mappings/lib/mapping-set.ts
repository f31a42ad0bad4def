import type { CompiledMapping } from './compile-mapping.ts';
import type { CompiledProfile } from './compile-profile.ts';
import type { GoldenDoc } from './golden-schema.ts';

/** Which profile a connector id speaks, and its parameters (from the gateway's connector configuration). */
export type ConnectorBindings = Readonly<Record<string, { readonly profile: string; readonly params?: Readonly<Record<string, unknown>> | undefined }>>;

export interface GoldenFile {
  readonly file: string;
  readonly doc: GoldenDoc;
  /** `file:line` of each example, in order. */
  readonly lines: readonly string[];
}

/** Everything loaded from one set of files, compiled. Immutable: a reload builds a new one. */
export interface MappingSet {
  readonly profiles: ReadonlyMap<string, CompiledProfile>;
  readonly mappings: readonly CompiledMapping[];
  readonly goldens: readonly GoldenFile[];
  readonly files: readonly string[];
}
