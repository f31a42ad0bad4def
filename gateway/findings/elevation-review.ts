/**
 * A person's post-use review of an elevation (break-glass use, a session past its window): recorded as a
 * durable named position the full pass reads, in the ledger with who and why, and the elevation's
 * `break-glass-unreviewed` finding resolved at once (an overstay finding resolves too unless the elevation is
 * still in use, which the next pass reports again).
 */
import type { ElevationId, FindingId } from '../domain/ids.ts';
import { isId } from '../domain/ids.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { reviewedCursor } from '../reconcile/governance-pass.ts';
import type { Store } from '../store/store.ts';
import { applyDesiredFindings } from './finding-writer.ts';

export async function recordElevationReview(
  store: Store, input: { elevationId: string; by: string; note: string; now: string; newId: () => FindingId },
): Promise<Result<{ resolved: number }, readonly string[]>> {
  const problems: string[] = [];
  if (!isId('elevation', input.elevationId)) problems.push(`"${input.elevationId}" is not an elevation id (elv_…)`);
  if (!input.by.trim()) problems.push('a review needs who made it');
  if (!input.note.trim()) problems.push('a review needs a note');
  if (problems.length > 0) return err(problems);
  const id = input.elevationId as ElevationId;
  return store.transaction(async (tx) => {
    const elevation = await tx.elevations.get(id);
    if (!elevation) return err([`no elevation ${id}`]);
    await tx.cursors.set(reviewedCursor(id), input.now);
    await tx.ledger.append({ at: input.now, actor: input.by, action: 'elevation.reviewed', subject: id, data: { note: input.note, breakGlass: elevation.decision.outcome === 'allow' && elevation.decision.breakGlass } });
    const existing = (await Promise.all((['break-glass-unreviewed', 'elevation-overstay'] as const).map((k) => tx.findings.getByKey(k, id)))).filter((f) => f !== undefined);
    const counts = await applyDesiredFindings(tx, existing, [], { now: input.now, newId: input.newId, actor: input.by });
    return ok({ resolved: counts.resolved });
  });
}
