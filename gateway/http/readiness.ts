/**
 * Readiness: named checks that must all pass for `/readyz` to answer 200 (store open and migrated,
 * configuration valid, not shutting down). Each failing check gives its reason.
 */
export type CheckResult = { readonly ok: true; readonly detail?: string } | { readonly ok: false; readonly reason: string };

export type ReadinessCheck = () => CheckResult | Promise<CheckResult>;

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, CheckResult>>;
}

export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  /** Adds or replaces a named check. */
  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async evaluate(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<[string, CheckResult]> => {
        try {
          return [name, await check()];
        } catch (e) {
          return [name, { ok: false, reason: `check failed: ${(e as Error).message}` }];
        }
      }),
    );
    return { ready: entries.every(([, r]) => r.ok), checks: Object.fromEntries(entries) };
  }
}
