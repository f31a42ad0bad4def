/**
 * Mappings for the console: the set in use (`GET /mappings`), one editable file's text, validation of edited
 * text with file:line:column errors, saving (validate, atomic write, reload) and dry-runs through the tracer.
 */
import { Router } from 'express';
import type { DryRunResult, MappingsOverview, SaveMappingResult, ValidationResult } from '../../console/shared/api-types.ts';
import { dryRunSchema, mappingFileQuerySchema, mappingTextSchema } from '../../console/shared/input-schemas.ts';
import { parseTraceInput, trace, traceInputSchema, type MappingSet, type TraceInput } from '../../mappings/lib/index.ts';
import { HttpError } from '../http/http-error.ts';
import type { AdminDeps } from './admin-deps.ts';
import { parseInput } from './parse-input.ts';

function overview(set: MappingSet | undefined, status: ReturnType<AdminDeps['mappings']['status']>, editable: readonly string[]): MappingsOverview {
  return {
    version: status.version,
    loadedAt: status.loadedAt,
    lastError: status.lastError,
    files: editable.map((file) => ({ file, editable: true })),
    mappings: (set?.mappings ?? []).map((m) => ({
      name: m.name, file: m.file, connector: m.connector, mode: m.access.mode,
      targets: m.targets.map((t) => ({ connector: t.connector, kind: t.kind })),
      drift: String(m.drift), conflict: String(m.conflict),
    })),
    profiles: status.profiles,
  };
}

/** Dry-runs use the gateway's own connectors (id → profile) unless the input binds them itself. */
function withConfiguredConnectors(input: TraceInput, connectors: ReturnType<AdminDeps['connectors']>): TraceInput {
  const bound = Object.fromEntries(connectors.map((c) => [c.id, { profile: c.profile }]));
  return { ...input, connectors: { ...bound, ...input.connectors } };
}

export function createMappingRoutes(deps: Pick<AdminDeps, 'mappings' | 'workspace' | 'clock' | 'logger' | 'connectors'>): Router {
  const router = Router();
  router.get('/mappings', async (_req, res) => {
    res.json(overview(deps.mappings.current(), deps.mappings.status(), await deps.workspace.listEditable()));
  });
  router.get('/mappings/file', async (req, res) => {
    const { file } = parseInput(mappingFileQuerySchema, req.query, 'mapping file query');
    const text = await deps.workspace.read(file);
    if (text === undefined) throw new HttpError(404, 'not_found', `no mapping file ${file}`);
    res.json({ file, text });
  });
  router.post('/mappings/validate', async (req, res) => {
    const { file, text } = parseInput(mappingTextSchema, req.body, 'mapping text');
    const r = await deps.workspace.validate(file, text);
    const body: ValidationResult = r.ok ? { ok: true, mappings: r.value.mappings.length, profiles: r.value.profiles.size } : { ok: false, errors: r.error };
    res.json(body);
  });
  router.put('/mappings/file', async (req, res) => {
    const { file, text } = parseInput(mappingTextSchema, req.body, 'mapping text');
    const r = await deps.workspace.save(file, text, deps.mappings);
    const body: SaveMappingResult = r.ok ? { ok: true, version: deps.mappings.status().version } : { ok: false, errors: r.error };
    if (r.ok) deps.logger.info({ file, version: body.ok ? body.version : undefined }, 'mapping file saved from the console');
    res.status(r.ok ? 200 : 422).json(body);
  });
  router.post('/mappings/dry-run', async (req, res) => {
    const body = parseInput(dryRunSchema, req.body, 'dry-run');
    const set = deps.mappings.current();
    if (!set) throw new HttpError(409, 'mappings_not_loaded', 'no mapping set is loaded yet; fix the mapping errors first');
    let result: DryRunResult;
    if ('text' in body) {
      const input = parseTraceInput('dry-run input', body.text);
      result = input.ok ? { ok: true, trace: await trace(set, withConfiguredConnectors(input.value, deps.connectors()), deps.clock.now()) } : { ok: false, errors: input.error };
    } else {
      const input = parseInput(traceInputSchema, body.input, 'dry-run input');
      result = { ok: true, trace: await trace(set, withConfiguredConnectors(input, deps.connectors()), deps.clock.now()) };
    }
    res.json(result);
  });
  return router;
}
