import type { CheckOutcome as StoredOutcome } from '@sokoul/persistence';

/** What a check saw of one thing; `ok: undefined` means not known yet (an alert stays as it is). */
export interface CheckOutcome extends Omit<StoredOutcome, 'ok'> {
  ok: boolean | undefined;
}

/**
 * One kind of check. `run` returns the outcome of every thing it watches, ok or not, keyed
 * `<category>:<thing>`: an open alert of the category whose key is missing from a run is
 * resolved (the thing is gone: an indexer deleted, a consumer removed).
 */
export interface SentinelCheck {
  readonly category: string;
  run(): Promise<CheckOutcome[]>;
}

export const SENTINEL_CHECKS = Symbol('SENTINEL_CHECKS');

export function outcome(category: string, thing: string, fields: Omit<CheckOutcome, 'key'>): CheckOutcome {
  return { key: `${category}:${thing}`, ...fields };
}
