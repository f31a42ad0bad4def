/** RFC 7644 §3.12 error responses: every failure on a SCIM route is answered with this body. */
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type ScimType =
  | 'uniqueness' | 'tooMany' | 'invalidFilter' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget'
  | 'invalidValue' | 'invalidVers' | 'sensitive';

/** An expected SCIM failure, carried to the error handler (or into a bulk operation's response). */
export class ScimError extends Error {
  constructor(readonly status: number, readonly scimType: ScimType | undefined, readonly detail: string) {
    super(detail);
    this.name = 'ScimError';
  }
}

export interface ScimErrorBody {
  readonly schemas: readonly string[];
  readonly status: string;
  readonly scimType?: ScimType;
  readonly detail: string;
}

export function scimErrorBody(status: number, scimType: ScimType | undefined, detail: string): ScimErrorBody {
  return scimType
    ? { schemas: [ERROR_SCHEMA], status: String(status), scimType, detail }
    : { schemas: [ERROR_SCHEMA], status: String(status), detail };
}

export const badValue = (detail: string): ScimError => new ScimError(400, 'invalidValue', detail);
export const badSyntax = (detail: string): ScimError => new ScimError(400, 'invalidSyntax', detail);
export const badFilter = (detail: string): ScimError => new ScimError(400, 'invalidFilter', detail);
export const badPath = (detail: string): ScimError => new ScimError(400, 'invalidPath', detail);
export const notFound = (what: string): ScimError => new ScimError(404, undefined, `${what} not found`);
