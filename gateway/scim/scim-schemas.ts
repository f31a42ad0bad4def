/**
 * Every schema and resource type this service provider serves. The core User, Group and Enterprise User
 * definitions come from scimmy (RFC 7643 text); our coercion, filters and patches run off these same
 * definitions, so `/Schemas` describes exactly what is enforced.
 */
import SCIMMY from 'scimmy';
import { IDENTITY_KINDS } from '../domain/identity.ts';
import { RISK_TIERS } from '../domain/entitlement.ts';
import { TARGET_KINDS } from '../domain/grant.ts';
import { attr, str } from './scim-schema-types.ts';
import type { AttributeDef, ResourceTypeDef, SchemaDef } from './scim-schema-types.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LOCKSTEP_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:lockstep:2.0:User';
export const LOCKSTEP_GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:extension:lockstep:2.0:Group';
export const OKTA_ENTITLEMENT_SCHEMA = 'urn:okta:scim:schemas:core:1.0:Entitlement';
export const OKTA_ROLE_SCHEMA = 'urn:okta:scim:schemas:core:1.0:Role';
export const PAM_CONTAINER_SCHEMA = 'urn:ietf:params:scim:schemas:pam:1.0:Container';
export const PAM_PERMISSION_SCHEMA = 'urn:ietf:params:scim:schemas:pam:1.0:ContainerPermission';

/** scimmy declares `canonicalValues: []` for `roles.type` and similar, which would forbid every value. */
function relax(def: AttributeDef): AttributeDef {
  const { canonicalValues, subAttributes, ...rest } = def;
  const out: AttributeDef = {
    ...rest,
    ...(canonicalValues && canonicalValues.length > 0 ? { canonicalValues } : {}),
    ...(subAttributes ? { subAttributes: subAttributes.map(relax) } : {}),
  };
  return out;
}

function fromScimmy(definition: { describe(): unknown }, description?: string): SchemaDef {
  const d = JSON.parse(JSON.stringify(definition.describe())) as { id: string; name: string; description: string; attributes: AttributeDef[] };
  return { id: d.id, name: d.name, description: description ?? d.description, attributes: d.attributes.map(relax) };
}

const readOnly = { mutability: 'readOnly' } as const;

export const userSchema = fromScimmy(SCIMMY.Schemas.User.definition, 'User Account');
export const groupSchema = fromScimmy(SCIMMY.Schemas.Group.definition, 'Group');
export const enterpriseSchema = fromScimmy(SCIMMY.Schemas.EnterpriseUser.definition, 'Enterprise User');

export const lockstepUserSchema: SchemaDef = {
  id: LOCKSTEP_USER_SCHEMA,
  name: 'LockstepUser',
  description: 'Lockstep identity extension: what kind of subject this is, and the accountable owner of a non-human identity',
  attributes: [
    str('kind', 'Kind of subject; anything but human and break-glass is a non-human identity and needs an owner.', { canonicalValues: IDENTITY_KINDS }),
    str('owner', 'Accountable owner (userName or id of a User) of a non-human identity.'),
  ],
};

export const lockstepGroupSchema: SchemaDef = {
  id: LOCKSTEP_GROUP_SCHEMA,
  name: 'LockstepEntitlement',
  description: 'Lockstep governance extension: the context IGA approved this privileged entitlement with, and its usage at PAM',
  attributes: [
    str('owner', 'Accountable owner of the entitlement.'),
    str('justification', 'Why this privileged access exists.'),
    attr('reviewCadenceDays', 'integer', 'Days between recertifications.'),
    attr('lastCertified', 'dateTime', 'When the entitlement was last certified.'),
    str('riskTier', 'Risk tier.', { canonicalValues: RISK_TIERS }),
    attr('jitMaxMinutes', 'integer', 'Longest just-in-time elevation allowed, in minutes.'),
    attr('breakGlass', 'boolean', 'Emergency access: allowed by policy, always reviewed after use.'),
    attr('nonHuman', 'boolean', 'Held by non-human identities.'),
    attr('active', 'boolean', 'false once the entitlement was deleted (a tombstone kept for delta aggregation).', readOnly),
    attr('lastUsed', 'dateTime', 'Last PAM session that used this entitlement.', readOnly),
    attr('sessionCount', 'integer', 'PAM sessions that used this entitlement.', readOnly),
  ],
};

const readBackAttrs: readonly AttributeDef[] = [
  str('displayName', 'Name of the entitlement.', readOnly),
  str('type', 'Kind of entitlement.', readOnly),
  str('description', 'Justification recorded by IGA.', readOnly),
];

export const oktaEntitlementSchema: SchemaDef = {
  id: OKTA_ENTITLEMENT_SCHEMA, name: 'Entitlement', description: 'Entitlement (Okta Identity Governance)', attributes: readBackAttrs,
};
export const oktaRoleSchema: SchemaDef = {
  id: OKTA_ROLE_SCHEMA, name: 'Role', description: 'Role (Okta Identity Governance)', attributes: readBackAttrs,
};

const refAttr = (name: string, description: string, referenceTypes: string[]): AttributeDef => attr(name, 'complex', description, {
  ...readOnly,
  subAttributes: [
    str('value', 'Identifier.', readOnly),
    str('display', 'Display name.', readOnly),
    attr('$ref', 'reference', 'URI of the resource.', { ...readOnly, referenceTypes }),
  ],
});

export const pamContainerSchema: SchemaDef = {
  id: PAM_CONTAINER_SCHEMA,
  name: 'Container',
  description: 'A PAM container (safe, role, policy, account) as Lockstep last observed it',
  attributes: [
    str('name', 'Name of the container at its PAM.', readOnly),
    str('displayName', 'Display name.', readOnly),
    str('containerType', 'Kind of target.', { ...readOnly, canonicalValues: TARGET_KINDS }),
    str('connector', 'The PAM connector that holds it.', readOnly),
  ],
};

export const pamPermissionSchema: SchemaDef = {
  id: PAM_PERMISSION_SCHEMA,
  name: 'ContainerPermission',
  description: 'An access path at PAM: who holds which rights on a container',
  attributes: [
    refAttr('container', 'The container.', ['Container']),
    refAttr('user', 'The principal holding the rights (value is the User id when Lockstep knows it).', ['User']),
    attr('rights', 'string', 'Rights held.', { ...readOnly, multiValued: true, caseExact: true }),
    str('mode', 'standing or jit.', { ...readOnly, canonicalValues: ['standing', 'jit'] }),
    attr('windowEnd', 'dateTime', 'End of a just-in-time window.', readOnly),
    str('source', 'lockstep (granted through Lockstep) or observed.', { ...readOnly, canonicalValues: ['lockstep', 'observed'] }),
  ],
};

/** `id`, `externalId` and `meta`: on every resource (RFC 7643 §3.1); not listed in `/Schemas`. */
export const commonAttributes: readonly AttributeDef[] = [
  str('id', 'Identifier issued by the service provider.', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  str('externalId', 'Identifier issued by the provisioning client.', { caseExact: true }),
  attr('meta', 'complex', 'Resource metadata.', {
    ...readOnly,
    subAttributes: [
      str('resourceType', 'Resource type.', { ...readOnly, caseExact: true }),
      attr('created', 'dateTime', 'When created.', readOnly),
      attr('lastModified', 'dateTime', 'When last modified.', readOnly),
      attr('location', 'reference', 'URI of the resource.', { ...readOnly, caseExact: true }),
      str('version', 'Version (weak ETag).', { ...readOnly, caseExact: true }),
    ],
  }),
];

export const userType: ResourceTypeDef = {
  name: 'User', endpoint: '/Users', description: 'User Account', schema: userSchema,
  extensions: [{ schema: enterpriseSchema, required: false }, { schema: lockstepUserSchema, required: false }],
};
export const groupType: ResourceTypeDef = {
  name: 'Group', endpoint: '/Groups', description: 'Privileged entitlement (a Group with the Lockstep governance extension)',
  schema: groupSchema, extensions: [{ schema: lockstepGroupSchema, required: false }],
};
export const entitlementType: ResourceTypeDef = {
  name: 'Entitlement', endpoint: '/Entitlements', description: 'Entitlements, read-only (Okta Identity Governance)',
  schema: oktaEntitlementSchema, extensions: [],
};
export const roleType: ResourceTypeDef = {
  name: 'Role', endpoint: '/Roles', description: 'Roles, read-only (Okta Identity Governance)', schema: oktaRoleSchema, extensions: [],
};
export const containerType: ResourceTypeDef = {
  name: 'Container', endpoint: '/Containers', description: 'PAM containers, read-only (SCIM PAM extension)',
  schema: pamContainerSchema, extensions: [],
};
export const permissionType: ResourceTypeDef = {
  name: 'ContainerPermission', endpoint: '/ContainerPermissions',
  description: 'PAM container permissions, read-only (SCIM PAM extension)', schema: pamPermissionSchema, extensions: [],
};

export const resourceTypes: readonly ResourceTypeDef[] = [userType, groupType, entitlementType, roleType, containerType, permissionType];

export const allSchemas: readonly SchemaDef[] = [
  userSchema, enterpriseSchema, lockstepUserSchema, groupSchema, lockstepGroupSchema,
  oktaEntitlementSchema, oktaRoleSchema, pamContainerSchema, pamPermissionSchema,
];
