/** Cursors (`store.cursors`) a full reconciliation run writes and its passes read. */

/** When the last full run finished (ISO): the governance pass measures overstays since then. */
export const LAST_RUN_CURSOR = 'reconcile.lastRunAt';
