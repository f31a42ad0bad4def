/** In-memory CyberArk Vault state: safes and members, accounts with JIT access, dual-control requests, sessions. */
import type { Clock } from '../../../gateway/domain/clock.ts';

export const SAFE_PERMISSIONS = [
  'useAccounts', 'retrieveAccounts', 'listAccounts', 'addAccounts', 'updateAccountContent', 'updateAccountProperties',
  'initiateCPMAccountManagementOperations', 'specifyNextAccountContent', 'renameAccounts', 'deleteAccounts',
  'unlockAccounts', 'manageSafe', 'manageSafeMembers', 'backupSafe', 'viewAuditLog', 'viewSafeMembers',
  'accessWithoutConfirmation', 'createFolders', 'deleteFolders', 'moveAccountsAndFolders',
  'requestsAuthorizationLevel1', 'requestsAuthorizationLevel2',
] as const;
export type SafePermission = (typeof SAFE_PERMISSIONS)[number];
export type Permissions = Record<SafePermission, boolean>;

export interface SafeMember {
  memberId: string;
  memberName: string;
  memberType: 'User' | 'Group' | 'Role';
  searchIn: string;
  /** Unix seconds, or null for a membership that never expires. */
  membershipExpirationDate: number | null;
  permissions: Permissions;
}

export interface Safe {
  safeUrlId: string;
  safeName: string;
  safeNumber: number;
  description: string;
  location: string;
  creationTime: number;
  members: Map<string, SafeMember>;
}

export interface Account {
  id: string;
  name: string;
  safeName: string;
  userName: string;
  address: string;
  platformId: string;
  /** Users holding JIT administrative access on this account's machine, with its end (ms). */
  adminAccess: Map<string, number>;
}

export interface IncomingRequest {
  RequestID: string;
  RequestorUserName: string;
  AccountDetails: { AccountID: string; Properties: Record<string, string> };
  RequestorReason: string;
  Status: 'Pending' | 'Confirmed' | 'Rejected';
  StatusTitle: string;
  ConfirmReason?: string;
  RejectReason?: string;
  ConfirmedBy?: string;
}

export interface LiveSession {
  SessionID: string;
  SessionGuid: string;
  User: string;
  AccountUsername: string;
  AccountAddress: string;
  SafeName: string;
  RemoteMachine: string;
  FromIP: string;
  Protocol: string;
  ConnectionComponentID: string;
  /** Unix seconds. */
  Start: number;
  Terminated?: boolean;
}

export const noPermissions = (): Permissions =>
  Object.fromEntries(SAFE_PERMISSIONS.map((p) => [p, false])) as Permissions;

export class CyberArkState {
  readonly safes = new Map<string, Safe>();
  readonly users = new Map<string, string>();
  readonly accounts = new Map<string, Account>();
  readonly incomingRequests = new Map<string, IncomingRequest>();
  readonly liveSessions = new Map<string, LiveSession>();
  /** Session tokens and platform tokens → user and expiry (ms). */
  readonly tokens = new Map<string, { user: string; expiresAt: number }>();
  /** When set, only these principals (lower-cased) can be added as members; others get 404 as in CyberArk. */
  knownPrincipals: Set<string> | undefined;
  private nextMemberId = 1;
  private nextSafeNumber = 2;

  constructor(private readonly clock: Clock) {}

  now(): number {
    return this.clock.now();
  }

  addUser(username: string, password: string): void {
    this.users.set(username.toLowerCase(), password);
  }

  addSafe(safeName: string, description = ''): Safe {
    const existing = this.safe(safeName);
    if (existing) return existing;
    const safe: Safe = {
      safeUrlId: safeName,
      safeName,
      safeNumber: this.nextSafeNumber++,
      description,
      location: '\\',
      creationTime: Math.floor(this.clock.now() / 1000),
      members: new Map(),
    };
    this.safes.set(safeName.toLowerCase(), safe);
    return safe;
  }

  safe(safeUrlId: string): Safe | undefined {
    return this.safes.get(safeUrlId.toLowerCase());
  }

  /** Seeds or writes a member (no call-log effect). */
  putMember(safeName: string, m: Partial<Omit<SafeMember, 'permissions'>> & { memberName: string; permissions?: Partial<Record<string, boolean>> }): SafeMember {
    const safe = this.addSafe(safeName);
    const member: SafeMember = {
      memberId: m.memberId ?? String(this.nextMemberId++),
      memberName: m.memberName,
      memberType: m.memberType ?? 'User',
      searchIn: m.searchIn ?? 'Vault',
      membershipExpirationDate: m.membershipExpirationDate ?? null,
      permissions: { ...noPermissions(), ...(m.permissions ?? {}) } as Permissions,
    };
    safe.members.set(member.memberName.toLowerCase(), member);
    return member;
  }

  member(safeName: string, memberName: string): SafeMember | undefined {
    return this.safe(safeName)?.members.get(memberName.toLowerCase());
  }

  memberNames(safeName: string): string[] {
    return [...(this.safe(safeName)?.members.values() ?? [])].map((m) => m.memberName);
  }

  addAccount(a: Partial<Account> & { id: string; safeName: string }): Account {
    this.addSafe(a.safeName);
    const account: Account = {
      id: a.id,
      name: a.name ?? `Operating System-WinDomain-${a.id}`,
      safeName: a.safeName,
      userName: a.userName ?? 'Administrator',
      address: a.address ?? 'host.example.test',
      platformId: a.platformId ?? 'WinDomain',
      adminAccess: new Map(),
    };
    this.accounts.set(a.id, account);
    return account;
  }

  /** Users currently holding JIT administrative access on the account (expired grants drop out). */
  adminAccessHolders(accountId: string): string[] {
    const a = this.accounts.get(accountId);
    if (!a) return [];
    const now = this.clock.now();
    return [...a.adminAccess].filter(([, end]) => end > now).map(([u]) => u);
  }

  addIncomingRequest(r: { id: string; requestor: string; accountId: string; reason?: string }): IncomingRequest {
    const req: IncomingRequest = {
      RequestID: r.id,
      RequestorUserName: r.requestor,
      AccountDetails: { AccountID: r.accountId, Properties: {} },
      RequestorReason: r.reason ?? '',
      Status: 'Pending',
      StatusTitle: 'Waiting for approval',
    };
    this.incomingRequests.set(r.id, req);
    return req;
  }

  addLiveSession(s: Partial<LiveSession> & { SessionID: string; User: string }): LiveSession {
    const session: LiveSession = {
      SessionGuid: s.SessionGuid ?? s.SessionID,
      AccountUsername: 'Administrator',
      AccountAddress: 'host.example.test',
      SafeName: 'PSM',
      RemoteMachine: '',
      FromIP: '127.0.0.1',
      Protocol: 'RDP',
      ConnectionComponentID: 'PSM-RDP',
      Start: Math.floor(this.clock.now() / 1000),
      ...s,
    };
    this.liveSessions.set(session.SessionID, session);
    return session;
  }

  /** Makes every issued token expire now, so the next call gets 401 and the client must log on again. */
  expireTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }
}
