/**
 * What the PAM products send, over the gateway's real intake: Teleport's access-request plugin and audit events
 * (basic auth, `/webhooks/teleport`), the synchronous decision call a PAM approval hook makes
 * (`/api/v1/decisions`, with the connector's own credential), CyberArk Vault audit records over syslog, and a
 * PAM alert feed's canonical events signed the Standard Webhooks way (`/webhooks/pam-alerts`).
 * Each send returns what the gateway answered; nothing is assumed.
 */
import { randomUUID } from 'node:crypto';
import { cyberArkAuditRecord, sendCyberArkSyslog, type CyberArkMessageId } from '../../test/fakes/cyberark/cyberark-syslog.ts';
import { sendStandardWebhook } from '../../test/fakes/standard-webhooks.ts';
import { sessionEndEvent, sessionStartEvent } from '../../test/fakes/teleport/teleport-events.ts';
import type { DemoFakes, DemoSecrets } from './demo-fakes.ts';
import { DEMO_CONNECTORS } from './demo-config.ts';
import { basicAuth, httpCall, type HttpAnswer } from './http-call.ts';

export interface PamTraffic {
  /** A user asks Teleport for a role: the request exists at Teleport, and the plugin posts it as Pending. */
  requestTeleportRole(user: string, role: string, reason: string): Promise<{ requestId: string; answer: HttpAnswer }>;
  /** A Teleport SSH session, start and end audit events. */
  teleportSession(user: string, server: string): Promise<HttpAnswer[]>;
  /** A synchronous decision asked by the Teleport connector (as an approval hook would). */
  askDecision(user: string, role: string, minutes: number, justification: string): Promise<HttpAnswer>;
  /** CyberArk PSM session records over syslog; `undefined` when the gateway exposes no syslog listener. */
  cyberArkSession(user: string, safe: string, account: string): Promise<'sent' | undefined>;
  /** The PAM alert feed reports a compromised credential (Standard Webhooks signed). */
  reportCompromise(principal: string, secretRef: string, source: string): Promise<HttpAnswer>;
}

export interface PamTrafficDeps {
  readonly gatewayUrl: string;
  readonly secrets: DemoSecrets;
  readonly fakes: Pick<DemoFakes, 'teleport'>;
  /** Port of the gateway's syslog listener for the CyberArk connector, when it has one. */
  readonly syslogPort: () => number | undefined;
}

export function pamTraffic(deps: PamTrafficDeps): PamTraffic {
  const hook = `${deps.gatewayUrl}/webhooks/${DEMO_CONNECTORS.teleport}`;
  const auth = basicAuth(deps.secrets.teleportHookUser, deps.secrets.teleportHookPassword);
  const post = (url: string, json: unknown): Promise<HttpAnswer> => httpCall(url, { json, headers: auth });

  return {
    async requestTeleportRole(user, role, reason) {
      const request = deps.fakes.teleport.state.addRequest({ id: randomUUID(), user, roles: [role], reason });
      const answer = await post(hook, {
        RequestID: request.id, User: user, Roles: [role], State: 'Pending', CreatedAt: request.created, RequestReason: reason,
      });
      return { requestId: request.id, answer };
    },

    async teleportSession(user, server) {
      const sid = randomUUID();
      const start = { ...sessionStartEvent({ sid, user, server, login: 'root' }), uid: randomUUID() };
      const end = { ...sessionEndEvent({ sid, user, server, login: 'root', start: start.time }), uid: randomUUID() };
      return [await post(hook, start), await post(hook, end)];
    },

    askDecision(user, role, minutes, justification) {
      return post(`${deps.gatewayUrl}/api/v1/decisions`, {
        connectorId: DEMO_CONNECTORS.teleport, principal: user, target: { kind: 'role', ref: role }, minutes,
        externalRequestId: randomUUID(), justification,
      });
    },

    async cyberArkSession(user, safe, account) {
      const port = deps.syslogPort();
      if (port === undefined) return undefined;
      const sessionId = randomUUID();
      const psm = (id: CyberArkMessageId) => cyberArkAuditRecord(id, { Issuer: 'PSMApp_demo', Safe: safe, File: account, sessionId, user, Reason: 'demo session' });
      const retrieve = cyberArkAuditRecord('295', { Issuer: user, Safe: safe, File: account, Reason: 'demo session' });
      await sendCyberArkSyslog('127.0.0.1', port, [retrieve, psm('300'), psm('302')]);
      return 'sent';
    },

    async reportCompromise(principal, secretRef, source) {
      const id = `msg_${randomUUID()}`;
      const r = await sendStandardWebhook(`${deps.gatewayUrl}/webhooks/${DEMO_CONNECTORS.alerts}`, {
        secret: deps.secrets.pamAlertsSecret, id,
        body: {
          type: 'credential.compromised', timestamp: new Date().toISOString(),
          data: { principal, target: { kind: 'secret', ref: secretRef }, externalId: id, attributes: { source } },
        },
      });
      let body: unknown = r.body;
      try {
        body = JSON.parse(r.body);
      } catch {
        body = r.body;
      }
      return { status: r.status, body };
    },
  };
}
