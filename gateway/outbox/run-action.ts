import type { OutboxMessage } from '../domain/outbox-message.ts';
import type { TargetKind } from '../domain/grant.ts';
import type { ConnectorError, ConnectorResult, PamConnector, TargetRef } from '../connectors/pam-connector.ts';

/** What a delivered call leaves on the outbox row for later steps (vendor ids, read-back results). */
export type ActionOutcome = ConnectorResult<Record<string, unknown>>;

const bad = (message: string): { ok: false; error: ConnectorError } => ({ ok: false, error: { failure: { kind: 'permanent', reason: message }, message } });

function str(p: Record<string, unknown>, key: string): string | undefined {
  const v = p[key];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function target(p: Record<string, unknown>): TargetRef | undefined {
  const t = p.target as { kind?: unknown; ref?: unknown } | undefined;
  return t && typeof t.kind === 'string' && typeof t.ref === 'string' ? { kind: t.kind as TargetKind, ref: t.ref } : undefined;
}

/** Runs one outbox message against its connector. Payload shapes are the `*Input` types of the connector port. */
export async function runAction(connector: PamConnector, message: OutboxMessage): Promise<ActionOutcome> {
  const p = message.payload;
  const idempotencyKey = message.idempotencyKey;
  const wrap = async <T extends object>(r: Promise<ConnectorResult<T>>): Promise<ActionOutcome> => {
    const out = await r;
    if (!out.ok) return out;
    const { response, ...rest } = out.value as { response?: Record<string, unknown> };
    return { ok: true, value: { ...response, ...rest } };
  };
  switch (message.action) {
    case 'grant': {
      const t = target(p);
      const principal = str(p, 'principal');
      if (!t || !principal) return bad('grant payload needs target {kind, ref} and principal');
      const permissions = Array.isArray(p.permissions) ? p.permissions.filter((x): x is string => typeof x === 'string') : [];
      return wrap(connector.grant({ target: t, principal, permissions, validUntil: str(p, 'validUntil'), idempotencyKey }));
    }
    case 'revoke': {
      const t = target(p);
      const principal = str(p, 'principal');
      if (!t || !principal) return bad('revoke payload needs target {kind, ref} and principal');
      return wrap(connector.revoke({ target: t, principal, externalId: str(p, 'externalId'), idempotencyKey }));
    }
    case 'update-permissions': {
      const t = target(p);
      const principal = str(p, 'principal');
      if (!t || !principal || !Array.isArray(p.permissions)) return bad('update-permissions payload needs target {kind, ref}, principal and permissions');
      const permissions = p.permissions.filter((x): x is string => typeof x === 'string');
      return wrap(connector.updatePermissions({ target: t, principal, permissions, externalId: str(p, 'externalId'), validUntil: str(p, 'validUntil'), idempotencyKey }));
    }
    case 'read-back': {
      const t = target(p);
      const principal = str(p, 'principal');
      if (!t || !principal) return bad('read-back payload needs target {kind, ref} and principal');
      return wrap(connector.readBack({ target: t, principal }));
    }
    case 'approve-elevation':
    case 'deny-elevation':
    case 'end-elevation': {
      const externalRequestId = str(p, 'externalRequestId');
      if (!externalRequestId) return bad(`${message.action} payload needs externalRequestId`);
      const input = { externalRequestId, target: target(p), principal: str(p, 'principal'), reason: str(p, 'reason'), validUntil: str(p, 'validUntil'), idempotencyKey };
      const call = message.action === 'approve-elevation' ? connector.approveElevation(input)
        : message.action === 'deny-elevation' ? connector.denyElevation(input) : connector.endElevation(input);
      return wrap(call);
    }
    case 'notify-iga': {
      const event = str(p, 'event');
      const subject = str(p, 'subject');
      if (!event || !subject) return bad('notify-iga payload needs event and subject');
      const payload = (p.payload && typeof p.payload === 'object' ? p.payload : {}) as Record<string, unknown>;
      return wrap(connector.notifyIga({ event, subject, payload, idempotencyKey }));
    }
    case 'list-inventory':
      return bad('list-inventory is read by reconciliation, not sent through the outbox');
  }
}
