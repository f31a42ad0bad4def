/** Which handler an event goes to. Events the engine itself writes (decisions, findings, …) need none. */
import type { CanonicalEvent } from '../../mappings/lib/index.ts';
import type { DomainEvent } from '../domain/domain-event.ts';
import { onAssignmentAdded } from './approve-handler.ts';
import { onOutboxChanged } from './delivery-outcomes.ts';
import { DEFAULT_REQUEST_MINUTES, decideElevationRequest } from './elevation-decider.ts';
import { onEvidence } from './evidence-handler.ts';
import { onCredentialRotated, onIdentityChanged } from './nhi-handler.ts';
import { onPamRevoke } from './pam-revoke-handler.ts';
import { onAssignmentRemoved, onIdentityDeactivated, onIdentityDeleted, onIdentityReactivated } from './revoke-handler.ts';
import type { SyncTx } from './sync-context.ts';

function canonical(event: DomainEvent): CanonicalEvent | undefined {
  if (event.payload['stage'] !== 'normalised') return undefined;
  const e = event.payload['event'] as CanonicalEvent | undefined;
  return e && typeof e.type === 'string' && typeof e.connectorId === 'string' ? { ...e, attributes: e.attributes ?? {} } : undefined;
}

async function onPamEvent(s: SyncTx, event: DomainEvent): Promise<void> {
  const e = canonical(event);
  if (!e) return;
  const inboxId = typeof event.payload['inboxId'] === 'string' ? event.payload['inboxId'] : undefined;
  switch (e.type) {
    case 'elevation.requested': {
      if (!e.principal || !e.target) return;
      const minutes = e.durationMinutes ?? (typeof e.attributes['durationMinutes'] === 'number' ? e.attributes['durationMinutes'] : DEFAULT_REQUEST_MINUTES);
      await decideElevationRequest(s, {
        connectorId: e.connectorId, principal: e.principal, target: { connectorId: e.connectorId, kind: e.target.kind, ref: e.target.ref },
        requestedMinutes: minutes, breakGlass: e.attributes['breakGlass'] === true, externalRequestId: e.externalId,
        justification: typeof e.attributes['reason'] === 'string' ? e.attributes['reason'] : undefined, actor: event.actor, answerVendor: true,
      });
      return;
    }
    case 'session.started':
    case 'session.ended':
    case 'elevation.approved':
    case 'credential.checked_out':
    case 'credential.checked_in':
      return onEvidence(s, e, inboxId);
    case 'grant.removed':
    case 'account.disabled':
    case 'credential.compromised':
      return onPamRevoke(s, e);
    case 'credential.rotated':
      return onCredentialRotated(s, e);
    default:
      return;
  }
}

export async function routeEvent(s: SyncTx, event: DomainEvent): Promise<void> {
  switch (event.type) {
    case 'assignment.added':
      return onAssignmentAdded(s, event);
    case 'assignment.removed':
      return onAssignmentRemoved(s, event);
    case 'identity.deactivated':
      await onIdentityDeactivated(s, event);
      return onIdentityChanged(s, event);
    case 'identity.deleted':
      await onIdentityDeleted(s, event);
      return onIdentityChanged(s, event);
    case 'identity.upserted':
      await onIdentityReactivated(s, event);
      return onIdentityChanged(s, event);
    case 'pam.event':
      return onPamEvent(s, event);
    case 'outbox.changed':
      return onOutboxChanged(s, event);
    default:
      return;
  }
}
