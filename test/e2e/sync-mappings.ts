/** Entitlement mappings the sync end-to-end tests run with (written to the gateway's mappings directory). */

/** The policy the standing mappings share: an owner required, case-insensitive correlation, drift revoked, IGA wins. */
const STANDING = `access:
  mode: standing
  requireOwner: true
correlation:
  caseInsensitive: true
drift: revoke
conflict: iga-wins
`;
/** A mapping document: its name, then `body` (match and targets), then `policy` (access, correlation, drift...). */
const mapping = (name: string, body: string, policy = STANDING) => `apiVersion: lockstep.dev/v1\nkind: EntitlementMapping\nname: ${name}\n${body}${policy}`;

export const SYNC_MAPPINGS: Readonly<Record<string, string>> = {
  'cyberark-safes': mapping('cyberark-safes', `match:
  connector: '*'
  name: { regex: '^PAM-(?<safe>[A-Za-z0-9_-]+?)-(?<role>Users|Admins)$' }
targets:
  - connector: cyberark-prod
    kind: safe
    ref: '{{ $captures.safe }}'
    permissions: [useAccounts, retrieveAccounts, listAccounts]
    when: $captures.role = "Users"
  - connector: cyberark-prod
    kind: safe
    ref: '{{ $captures.safe }}'
    permissions: [useAccounts, retrieveAccounts, listAccounts, manageSafeMembers]
    when: $captures.role = "Admins"
`),
  'strongdm-resources': mapping('strongdm-resources', `match:
  connector: '*'
  name: { regex: '^SDM-(?<resource>[A-Za-z0-9_-]+)$' }
targets:
  - connector: strongdm
    kind: resource
    ref: '{{ $captures.resource }}'
`),
  'delinea-secrets': mapping('delinea-secrets', `match:
  connector: '*'
  name: { regex: '^DL-(?<secret>[0-9]+)$' }
targets:
  - connector: delinea
    kind: secret
    ref: '{{ $captures.secret }}'
    permissions: [View]
`),
  'service-accounts': mapping('service-accounts', `match:
  connector: '*'
  name: { regex: '^SVC-(?<safe>[A-Za-z0-9_-]+)$' }
  attributes:
    governance.nonHuman: true
targets:
  - connector: cyberark-prod
    kind: safe
    ref: '{{ $captures.safe }}'
    permissions: [useAccounts, retrieveAccounts]
`, `${STANDING}nhi:
  ownerRequired: true
  maxSecretAgeDays: 30
`),
  'teleport-roles': mapping('teleport-roles', `match:
  connector: '*'
  name: { regex: '^teleport-(?<role>[a-z0-9-]+)$' }
targets:
  - connector: teleport
    kind: role
    ref: '{{ $captures.role }}'
`, `access:
  mode: jit
  maxDuration: 2h
  requireOwner: true
  requireReviewWithinDays: 90
  breakGlass: allow-with-review
correlation:
  caseInsensitive: true
drift: alert
conflict: manual
`),
};
