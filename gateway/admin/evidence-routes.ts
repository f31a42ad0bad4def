/**
 * Evidence export per entitlement or owner, as JSON, CSV or a printable HTML report (the domain renderers):
 * `POST /evidence/export` answers `{ filename, contentType, body }` for the console; `GET /evidence` answers the
 * file itself (curl, a browser download).
 */
import { Router } from 'express';
import type { EvidenceExport, EvidenceFormat } from '../../console/shared/api-types.ts';
import { evidenceExportSchema, evidenceQuerySchema } from '../../console/shared/input-schemas.ts';
import type { EvidenceScope } from '../domain/evidence-pack.ts';
import { buildEvidenceFromStore, EVIDENCE_CONTENT_TYPES, renderEvidence } from '../evidence/evidence-export.ts';
import { type EntitlementId, isId } from '../domain/ids.ts';
import { HttpError } from '../http/http-error.ts';
import type { AdminDeps } from './admin-deps.ts';
import { parseInput } from './parse-input.ts';

function fileStem(scope: EvidenceScope): string {
  const name = scope.kind === 'entitlement' ? scope.entitlementId : scope.kind === 'owner' ? `owner-${scope.owner}` : scope.name;
  return `evidence-${name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80)}`;
}

export function createEvidenceRoutes(deps: Pick<AdminDeps, 'store' | 'clock'>): Router {
  const router = Router();
  const exportPack = async (scope: EvidenceScope, format: EvidenceFormat, unusedDays: number | undefined): Promise<EvidenceExport> => {
    const pack = await buildEvidenceFromStore(deps.store, scope, new Date(deps.clock.now()).toISOString(), { unusedDays });
    return { filename: `${fileStem(scope)}.${format}`, contentType: EVIDENCE_CONTENT_TYPES[format], body: renderEvidence(pack, format) };
  };
  router.post('/evidence/export', async (req, res) => {
    const input = parseInput(evidenceExportSchema, req.body, 'evidence export');
    const scope: EvidenceScope = input.scope.kind === 'entitlement'
      ? { kind: 'entitlement', entitlementId: input.scope.entitlementId as EntitlementId }
      : { kind: 'owner', owner: input.scope.owner };
    res.json(await exportPack(scope, input.format, input.unusedDays));
  });
  router.get('/evidence', async (req, res) => {
    const q = parseInput(evidenceQuerySchema, req.query, 'evidence query');
    let scope: EvidenceScope;
    if (q.entitlementId !== undefined && q.owner === undefined) {
      if (!isId('entitlement', q.entitlementId)) throw new HttpError(400, 'invalid_request', `"${q.entitlementId}" is not an entitlement id (ent_…)`);
      scope = { kind: 'entitlement', entitlementId: q.entitlementId };
    } else if (q.owner !== undefined && q.entitlementId === undefined && q.owner.trim()) {
      scope = { kind: 'owner', owner: q.owner };
    } else {
      throw new HttpError(400, 'invalid_request', 'give exactly one of entitlementId or owner');
    }
    const out = await exportPack(scope, q.format, q.unusedDays);
    res.setHeader('content-type', out.contentType);
    res.setHeader('content-disposition', `attachment; filename="${out.filename}"`);
    if (q.format === 'html') res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'");
    res.send(out.body);
  });
  return router;
}
