/** `/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas` (RFC 7644 §4), generated from the definitions we enforce. */
import type { ScimSettings } from './scim-context.ts';
import { notFound } from './scim-error.ts';
import { listResponse } from './scim-list.ts';
import { allSchemas, resourceTypes } from './scim-schemas.ts';
import type { ResourceTypeDef, SchemaDef } from './scim-schema-types.ts';

export function serviceProviderConfig(baseUrl: string, settings: ScimSettings): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: 'https://github.com/lockstep/lockstep/blob/main/docs/scim.md',
    patch: { supported: true },
    bulk: { supported: true, maxOperations: settings.bulkMaxOperations, maxPayloadSize: settings.bulkMaxPayloadBytes },
    filter: { supported: true, maxResults: settings.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [{
      type: 'oauthbearertoken', name: 'OAuth Bearer Token', primary: true,
      description: 'A bearer token issued per IGA connector with `lockstep token create --connector ID`; it selects the connector.',
    }],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

function resourceTypeDoc(t: ResourceTypeDef, baseUrl: string): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: t.name,
    name: t.name,
    endpoint: t.endpoint,
    description: t.description,
    schema: t.schema.id,
    schemaExtensions: t.extensions.map((e) => ({ schema: e.schema.id, required: e.required })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${t.name}` },
  };
}

function schemaDoc(s: SchemaDef, baseUrl: string): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: s.id, name: s.name, description: s.description, attributes: s.attributes,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${s.id}` },
  };
}

export function listResourceTypes(baseUrl: string): Record<string, unknown> {
  return listResponse(resourceTypes.length, 1, resourceTypes.map((t) => resourceTypeDoc(t, baseUrl)));
}

export function getResourceType(baseUrl: string, id: string): Record<string, unknown> {
  const t = resourceTypes.find((r) => r.name.toLowerCase() === id.toLowerCase());
  if (!t) throw notFound(`ResourceType ${id}`);
  return resourceTypeDoc(t, baseUrl);
}

export function listSchemas(baseUrl: string): Record<string, unknown> {
  return listResponse(allSchemas.length, 1, allSchemas.map((s) => schemaDoc(s, baseUrl)));
}

export function getSchema(baseUrl: string, id: string): Record<string, unknown> {
  const s = allSchemas.find((x) => x.id.toLowerCase() === id.toLowerCase());
  if (!s) throw notFound(`Schema ${id}`);
  return schemaDoc(s, baseUrl);
}
