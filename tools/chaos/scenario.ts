/**
 * One fault scenario of the reliability suite: it drives real processes on loopback, injects
 * its faults, and reports what a user would care about. Every `lost` and `duplicated` must be 0.
 */
export interface ScenarioResult {
  scenario: string;
  /** What load ran, in words: "1,000 searches, 20 downloads, 2 replicas of each worker". */
  load: string;
  /** What was done to it: "SIGKILL ×12 (scout 5, oracle 4, hunter 3)". */
  faults: string;
  /** Requests or messages sent (the unit says which). */
  sent: number;
  unit: 'requests' | 'messages' | 'searches' | 'downloads' | 'searches+downloads';
  lost: number;
  duplicated: number;
  /** HTTP answers ≥ 500 seen by the clients (a 503 with Retry-After during an outage is counted here too, and named in notes). */
  http5xx: number;
  /** p99 latency of the clients' requests, when the scenario measures one. */
  p99Ms: number | null;
  /** Whatever else the verdict rests on: "readiness red 31.2 s, green again without restart". */
  notes: string[];
}

/** `ci`: small enough for every CI run (a minute or two); `full`: the figures (on demand). */
export type Scale = 'ci' | 'full';

export interface Scenario {
  name: string;
  run(scale: Scale): Promise<ScenarioResult>;
}
