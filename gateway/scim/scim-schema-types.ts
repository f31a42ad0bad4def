/** The RFC 7643 §7 attribute definition, as served by `/Schemas` and used by our coercion and filters. */
export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';

export interface AttributeDef {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description?: string;
  readonly required: boolean;
  readonly caseExact?: boolean;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly mutability?: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  readonly returned?: 'always' | 'never' | 'default' | 'request';
  readonly uniqueness?: 'none' | 'server' | 'global';
  readonly subAttributes?: readonly AttributeDef[];
}

export interface SchemaDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDef[];
}

export interface ResourceTypeDef {
  /** `User`, `Group`, … (also the `meta.resourceType`). */
  readonly name: string;
  readonly endpoint: string;
  readonly description: string;
  readonly schema: SchemaDef;
  readonly extensions: readonly { readonly schema: SchemaDef; readonly required: boolean }[];
}

export const str = (name: string, description: string, extra: Partial<AttributeDef> = {}): AttributeDef => ({
  name, type: 'string', multiValued: false, description, required: false, caseExact: false,
  mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...extra,
});

export const attr = (name: string, type: AttributeType, description: string, extra: Partial<AttributeDef> = {}): AttributeDef => ({
  name, type, multiValued: false, description, required: false, mutability: 'readWrite', returned: 'default', ...extra,
});
