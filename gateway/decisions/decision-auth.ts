/**
 * Who may ask for a synchronous decision: the admin (bearer admin token), or the PAM connector the decision is
 * for, with its own inbound credential (basic, or the static header secret). A connector may only ask about its
 * own requests, so a leaked PAM credential cannot probe another vendor's targets.
 */
import type { Request, RequestHandler } from 'express';
import type { InboundConfig } from '../config/config-schema.ts';
import { secretsEqual } from '../intake/verify/constant-time.ts';

export type DecisionCaller = { readonly kind: 'admin' } | { readonly kind: 'connector'; readonly connectorId: string };

export interface DecisionAuthDeps {
  /** The admin bearer middleware of the gateway (`WiringContext.adminAuth`). */
  readonly adminAuth: RequestHandler;
  /** The inbound settings of a PAM connector, secrets resolved; undefined for unknown or non-PAM connectors. */
  readonly inboundOf: (connectorId: string) => InboundConfig | undefined;
}

function isAdmin(adminAuth: RequestHandler, req: Request): Promise<boolean> {
  return new Promise((resolve) => {
    void adminAuth(req, { setHeader: () => undefined } as never, (err?: unknown) => resolve(err === undefined));
  });
}

function basic(header: string | undefined): { username: string; password: string } | undefined {
  const m = /^Basic[ \t]+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? undefined : { username: text.slice(0, i), password: text.slice(i + 1) };
}

export function connectorCredentialMatches(inbound: InboundConfig, req: Request): boolean {
  const secrets = inbound.secrets ?? (inbound.secret ? [inbound.secret] : []);
  if (inbound.scheme === 'basic') {
    const given = basic(req.get('authorization'));
    if (!given || !inbound.username || !inbound.password) return false;
    return secretsEqual(given.username, inbound.username) && secretsEqual(given.password, inbound.password);
  }
  if (inbound.scheme === 'header-secret') {
    const value = req.get(inbound.header ?? 'x-webhook-secret');
    return value !== undefined && secrets.some((s) => secretsEqual(value, s));
  }
  return false;
}

/** The caller, or undefined when neither credential is valid for this connector. */
export async function authenticateDecision(deps: DecisionAuthDeps, req: Request, connectorId: string): Promise<DecisionCaller | undefined> {
  const authorization = req.get('authorization') ?? '';
  if (/^Bearer\s/i.test(authorization) && (await isAdmin(deps.adminAuth, req))) return { kind: 'admin' };
  const inbound = deps.inboundOf(connectorId);
  if (inbound && connectorCredentialMatches(inbound, req)) return { kind: 'connector', connectorId };
  return undefined;
}
