/**
 * What an IGA platform does over SCIM 2.0, as SailPoint's and Okta's connectors do it: create users, create
 * groups (entitlements with the governance extension) without members, then add and remove members with PATCH.
 * Only the real `/scim/v2` endpoints are used; every non-2xx answer is an error with the SCIM detail.
 */
import { bearer, httpCall } from './http-call.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const LOCKSTEP_USER = 'urn:ietf:params:scim:schemas:extension:lockstep:2.0:User';
const LOCKSTEP_GROUP = 'urn:ietf:params:scim:schemas:extension:lockstep:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface DemoUser {
  readonly userName: string;
  readonly displayName: string;
  readonly email: string;
  readonly kind?: 'human' | 'service-account' | 'break-glass';
  readonly owner?: string;
}

export interface Governance {
  readonly owner?: string;
  readonly justification?: string;
  readonly reviewCadenceDays?: number;
  readonly lastCertified?: string;
  readonly riskTier?: 'low' | 'medium' | 'high' | 'critical';
  readonly jitMaxMinutes?: number;
  readonly breakGlass?: boolean;
  readonly nonHuman?: boolean;
}

export interface DemoGroup {
  readonly displayName: string;
  readonly governance: Governance;
}

export class ScimError extends Error {}

export class ScimPusher {
  private readonly userIds = new Map<string, string>();
  private readonly groupIds = new Map<string, string>();

  constructor(private readonly base: string, private readonly token: string, readonly connectorId: string) {}

  private async call(method: string, path: string, json?: unknown): Promise<unknown> {
    const r = await httpCall(`${this.base}${path}`, { method, json, contentType: 'application/scim+json', headers: bearer(this.token) });
    if (r.status < 200 || r.status >= 300) {
      const detail = typeof r.body === 'object' && r.body !== null ? (r.body as { detail?: string }).detail : String(r.body);
      throw new ScimError(`${method} /scim/v2${path} → ${r.status}${detail ? `: ${detail}` : ''}`);
    }
    return r.body;
  }

  /** Creates the user, or finds it when it already exists (a kept demo state). */
  async upsertUser(u: DemoUser): Promise<string> {
    const [givenName, ...rest] = u.displayName.split(' ');
    const body = {
      schemas: [USER, LOCKSTEP_USER],
      userName: u.userName,
      externalId: `${this.connectorId}-${u.userName}`,
      displayName: u.displayName,
      name: { givenName, familyName: rest.join(' ') },
      emails: [{ value: u.email, type: 'work', primary: true }],
      active: true,
      [LOCKSTEP_USER]: { kind: u.kind ?? 'human', ...(u.owner ? { owner: u.owner } : {}) },
    };
    const existing = await this.find('Users', `userName eq "${u.userName}"`);
    const id = existing ?? ((await this.call('POST', '/Users', body)) as { id: string }).id;
    if (existing) await this.call('PUT', `/Users/${existing}`, body);
    this.userIds.set(u.userName, id);
    return id;
  }

  /** Creates the group without members (SailPoint adds them one PATCH at a time), or updates it. */
  async upsertGroup(g: DemoGroup): Promise<string> {
    const body = {
      schemas: [GROUP, LOCKSTEP_GROUP],
      displayName: g.displayName,
      externalId: `${this.connectorId}-${g.displayName}`,
      [LOCKSTEP_GROUP]: g.governance,
    };
    const existing = await this.find('Groups', `displayName eq "${g.displayName}"`);
    const id = existing ?? ((await this.call('POST', '/Groups', body)) as { id: string }).id;
    if (existing) await this.call('PUT', `/Groups/${existing}`, body);
    this.groupIds.set(g.displayName, id);
    return id;
  }

  async addMember(group: string, userName: string): Promise<void> {
    await this.call('PATCH', `/Groups/${this.groupId(group)}`, {
      schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: this.userId(userName) }] }],
    });
  }

  async removeMember(group: string, userName: string): Promise<void> {
    await this.call('PATCH', `/Groups/${this.groupId(group)}`, {
      schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${this.userId(userName)}"]` }],
    });
  }

  /** A profile update (a title change), as IGA pushes attribute changes. */
  async touchUser(userName: string, title: string): Promise<void> {
    await this.call('PATCH', `/Users/${this.userId(userName)}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: title }] });
  }

  async count(resource: 'Users' | 'Groups'): Promise<number> {
    return ((await this.call('GET', `/${resource}?count=0`)) as { totalResults: number }).totalResults;
  }

  /** Usage as IGA reads it back: session count and last use per group (aggregated from PAM evidence). */
  async groupUsage(): Promise<{ displayName: string; sessionCount: number; lastUsed: string | undefined }[]> {
    const page = (await this.call('GET', `/Groups?count=100&attributes=displayName,${LOCKSTEP_GROUP}`)) as { Resources?: Record<string, unknown>[] };
    return (page.Resources ?? []).map((r) => {
      const ext = (r[LOCKSTEP_GROUP] ?? {}) as { sessionCount?: number; lastUsed?: string };
      return { displayName: String(r['displayName']), sessionCount: ext.sessionCount ?? 0, lastUsed: ext.lastUsed };
    });
  }

  private async find(resource: 'Users' | 'Groups', filter: string): Promise<string | undefined> {
    const page = (await this.call('GET', `/${resource}?filter=${encodeURIComponent(filter)}&excludedAttributes=members`)) as { Resources?: { id: string }[] };
    return page.Resources?.[0]?.id;
  }

  private userId(userName: string): string {
    const id = this.userIds.get(userName);
    if (!id) throw new Error(`user ${userName} was not pushed`);
    return id;
  }

  private groupId(name: string): string {
    const id = this.groupIds.get(name);
    if (!id) throw new Error(`group ${name} was not pushed`);
    return id;
  }
}
