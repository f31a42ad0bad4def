import type { RandomSource } from '../../domain/ids.ts';
import type { StoreTx } from '../store.ts';
import { assignmentRepo } from './repos/assignment-repo.ts';
import { conflictRepo } from './repos/conflict-repo.ts';
import { cursorRepo } from './repos/cursor-repo.ts';
import { elevationRepo } from './repos/elevation-repo.ts';
import { entitlementRepo } from './repos/entitlement-repo.ts';
import { eventRepo } from './repos/event-repo.ts';
import { evidenceRepo } from './repos/evidence-repo.ts';
import { findingRepo } from './repos/finding-repo.ts';
import { grantRepo } from './repos/grant-repo.ts';
import { identityRepo } from './repos/identity-repo.ts';
import { inboxRepo } from './repos/inbox-repo.ts';
import { ledgerRepo } from './repos/ledger-repo.ts';
import { outboxRepo } from './repos/outbox-repo.ts';
import { revocationRepo } from './repos/revocation-repo.ts';
import { tokenRepo } from './repos/token-repo.ts';
import type { SqlDb } from './sql-db.ts';

/** Every repository of the port over one SQL connection (or one transaction's connection). */
export function sqlRepos(db: SqlDb, random: RandomSource): StoreTx {
  return {
    identities: identityRepo(db),
    entitlements: entitlementRepo(db),
    assignments: assignmentRepo(db),
    grants: grantRepo(db),
    elevations: elevationRepo(db),
    evidence: evidenceRepo(db),
    revocations: revocationRepo(db),
    findings: findingRepo(db),
    conflicts: conflictRepo(db),
    inbox: inboxRepo(db),
    outbox: outboxRepo(db),
    events: eventRepo(db, random),
    cursors: cursorRepo(db),
    ledger: ledgerRepo(db),
    tokens: tokenRepo(db),
  };
}
