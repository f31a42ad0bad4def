/**
 * HashiCorp Vault HTTP API fake: `X-Vault-Token` (or `Authorization: Bearer`) auth (403 `{errors:["permission denied"]}` otherwise),
 * ACL policies (write, read, list via `?list=true`, delete), identity entities and groups by name (create
 * answers 200 with `{data:{id,name}}`, update 204, `member_entity_ids` replaced as a whole), and leases
 * (lookup, revoke — revoking an unknown lease succeeds, as Vault does). Errors are `{errors:[...]}`.
 */
import { systemClock, type Clock } from '../../../gateway/domain/clock.ts';
import { empty, json, route, startFakeServer, withState, type Fake, type FakeRequest, type FakeResponse, type Route } from '../fake-server.ts';

export interface VaultEntity {
  id: string;
  name: string;
  policies: string[];
  metadata: Record<string, string>;
  disabled: boolean;
}

export interface VaultGroup {
  id: string;
  name: string;
  type: 'internal' | 'external';
  policies: string[];
  member_entity_ids: string[];
  member_group_ids: string[];
  metadata: Record<string, string>;
}

export interface VaultLease {
  id: string;
  issueTime: number;
  expireTime: number;
}

export class VaultState {
  readonly tokens = new Set<string>();
  readonly policies = new Map<string, string>([
    ['default', '# default policy'],
    ['root', ''],
  ]);
  readonly entities = new Map<string, VaultEntity>();
  readonly groups = new Map<string, VaultGroup>();
  readonly leases = new Map<string, VaultLease>();
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  newId(kind: string): string {
    this.seq += 1;
    return `${kind}-0000-0000-0000-${String(this.seq).padStart(12, '0')}`;
  }

  addEntity(name: string, policies: string[] = []): VaultEntity {
    const e: VaultEntity = { id: this.newId('entity'), name, policies, metadata: {}, disabled: false };
    this.entities.set(name.toLowerCase(), e);
    return e;
  }

  addGroup(name: string, g: Partial<VaultGroup> = {}): VaultGroup {
    const group: VaultGroup = { id: this.newId('group'), name, type: 'internal', policies: [], member_entity_ids: [], member_group_ids: [], metadata: {}, ...g };
    this.groups.set(name.toLowerCase(), group);
    return group;
  }

  addLease(id: string, ttlSeconds: number): VaultLease {
    const now = this.clock.now();
    const lease = { id, issueTime: now, expireTime: now + ttlSeconds * 1000 };
    this.leases.set(id, lease);
    return lease;
  }

  liveLeases(): VaultLease[] {
    const now = this.clock.now();
    return [...this.leases.values()].filter((l) => l.expireTime > now);
  }
}

export interface VaultFakeOptions {
  readonly clock?: Clock;
  /** default `['root-token']` */
  readonly tokens?: readonly string[];
  readonly port?: number;
}

const vaultErrors = (status: number, ...errors: string[]): FakeResponse => json(status, { errors });
const envelope = (data: unknown) => ({ request_id: 'fake-request', lease_id: '', renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth: null });
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().join('\0') === [...b].sort().join('\0');

function identityRoutes(state: VaultState): Route[] {
  const listKeys = (m: Map<string, { name: string }>) => (req: FakeRequest): FakeResponse =>
    req.query.list === 'true' ? json(200, envelope({ keys: [...m.values()].map((v) => v.name) })) : vaultErrors(405, 'unsupported operation');
  const writeEntity = (req: FakeRequest): FakeResponse => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const name = req.params.name!;
    const existing = state.entities.get(name.toLowerCase());
    if (!existing) {
      const e = state.addEntity(name, strings(b.policies) ?? []);
      e.disabled = b.disabled === true;
      req.effect(`entity:${name.toLowerCase()}`);
      return json(200, envelope({ id: e.id, name: e.name, aliases: null }));
    }
    const policies = strings(b.policies) ?? existing.policies;
    const disabled = typeof b.disabled === 'boolean' ? b.disabled : existing.disabled;
    if (!sameSet(policies, existing.policies) || disabled !== existing.disabled) req.effect(`entity:${name.toLowerCase()}`);
    Object.assign(existing, { policies, disabled });
    return empty(204);
  };
  const writeGroup = (req: FakeRequest): FakeResponse => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const name = req.params.name!;
    const members = strings(b.member_entity_ids);
    if (b.member_entity_ids !== undefined && members === undefined) return vaultErrors(400, 'member_entity_ids must be a list of strings');
    const unknown = (members ?? []).filter((id) => ![...state.entities.values()].some((e) => e.id === id));
    if (unknown.length > 0) return vaultErrors(400, `invalid entity ID "${unknown[0]}"`);
    const existing = state.groups.get(name.toLowerCase());
    if (!existing) {
      const g = state.addGroup(name, {
        policies: strings(b.policies) ?? [],
        member_entity_ids: members ?? [],
        type: b.type === 'external' ? 'external' : 'internal',
      });
      req.effect(`group:${name.toLowerCase()}`);
      return json(200, envelope({ id: g.id, name: g.name }));
    }
    const next = { policies: strings(b.policies) ?? existing.policies, member_entity_ids: members ?? existing.member_entity_ids };
    if (!sameSet(next.policies, existing.policies) || !sameSet(next.member_entity_ids, existing.member_entity_ids)) req.effect(`group:${name.toLowerCase()}`);
    Object.assign(existing, next);
    return empty(204);
  };
  const read = <T>(m: Map<string, T>) => (req: FakeRequest): FakeResponse => {
    const v = m.get(req.params.name!.toLowerCase());
    return v ? json(200, envelope(v)) : vaultErrors(404);
  };
  const remove = (m: Map<string, unknown>, kind: string) => (req: FakeRequest): FakeResponse => {
    if (m.delete(req.params.name!.toLowerCase())) req.effect(`${kind}:${req.params.name!.toLowerCase()}`);
    return empty(204);
  };
  return [
    route('GET', '/v1/identity/entity/name', listKeys(state.entities)),
    route('GET', '/v1/identity/entity/name/:name', read(state.entities)),
    route('POST', '/v1/identity/entity/name/:name', writeEntity),
    route('PUT', '/v1/identity/entity/name/:name', writeEntity),
    route('DELETE', '/v1/identity/entity/name/:name', remove(state.entities, 'entity')),
    route('GET', '/v1/identity/group/name', listKeys(state.groups)),
    route('GET', '/v1/identity/group/name/:name', read(state.groups)),
    route('POST', '/v1/identity/group/name/:name', writeGroup),
    route('PUT', '/v1/identity/group/name/:name', writeGroup),
    route('DELETE', '/v1/identity/group/name/:name', remove(state.groups, 'group')),
  ];
}

export async function startVaultFake(opts: VaultFakeOptions = {}): Promise<Fake<VaultState>> {
  const clock = opts.clock ?? systemClock;
  const state = new VaultState(clock);
  for (const t of opts.tokens ?? ['root-token']) state.tokens.add(t);

  const writePolicy = (req: FakeRequest): FakeResponse => {
    const policy = ((req.body ?? {}) as { policy?: unknown }).policy;
    if (typeof policy !== 'string') return vaultErrors(400, "'policy' parameter not supplied or empty");
    const name = req.params.name!.toLowerCase();
    if (name === 'root') return vaultErrors(400, 'cannot update "root" policy');
    if (state.policies.get(name) !== policy) req.effect(`policy:${name}`);
    state.policies.set(name, policy);
    return empty(204);
  };
  const listPolicies = (req: FakeRequest): FakeResponse =>
    req.method === 'LIST' || req.query.list === 'true' ? json(200, envelope({ keys: [...state.policies.keys()] })) : vaultErrors(405, 'unsupported operation');
  const revoke = (req: FakeRequest): FakeResponse => {
    const id = req.params.leaseId ?? ((req.body ?? {}) as { lease_id?: unknown }).lease_id;
    if (typeof id !== 'string' || id === '') return vaultErrors(400, 'missing lease ID');
    if (state.leases.delete(id)) req.effect(`lease:${id}`);
    return empty(204);
  };

  const routes = [
    route('GET', '/v1/sys/policies/acl', listPolicies),
    route('LIST', '/v1/sys/policies/acl', listPolicies),
    route('GET', '/v1/sys/policies/acl/:name', (req) => {
      const name = req.params.name!.toLowerCase();
      const policy = state.policies.get(name);
      return policy === undefined ? vaultErrors(404) : json(200, { ...envelope({ name, policy }), name, policy });
    }),
    route('PUT', '/v1/sys/policies/acl/:name', writePolicy),
    route('POST', '/v1/sys/policies/acl/:name', writePolicy),
    route('DELETE', '/v1/sys/policies/acl/:name', (req) => {
      const name = req.params.name!.toLowerCase();
      if (name === 'root' || name === 'default') return vaultErrors(400, `cannot delete "${name}" policy`);
      if (state.policies.delete(name)) req.effect(`policy:${name}`);
      return empty(204);
    }),
    route('PUT', '/v1/sys/leases/lookup', (req) => {
      const id = ((req.body ?? {}) as { lease_id?: unknown }).lease_id;
      const lease = typeof id === 'string' ? state.liveLeases().find((l) => l.id === id) : undefined;
      if (!lease) return vaultErrors(400, 'invalid lease');
      const iso = (ms: number) => new Date(ms).toISOString();
      return json(200, envelope({ id: lease.id, issue_time: iso(lease.issueTime), expire_time: iso(lease.expireTime), last_renewal: null, renewable: true, ttl: Math.max(0, Math.floor((lease.expireTime - clock.now()) / 1000)) }));
    }),
    route('PUT', '/v1/sys/leases/revoke', revoke),
    route('POST', '/v1/sys/leases/revoke', revoke),
    route('PUT', '/v1/sys/leases/revoke/:leaseId', revoke),
    ...identityRoutes(state),
  ];

  const server = await startFakeServer({
    name: 'vault',
    routes,
    port: opts.port,
    errorBody: (_status, message) => ({ errors: [message] }),
    authenticate: (req) => {
      const token = req.headers['x-vault-token'] ?? /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      return state.tokens.has(token) ? undefined : vaultErrors(403, 'permission denied');
    },
  });
  return withState(server, state);
}
