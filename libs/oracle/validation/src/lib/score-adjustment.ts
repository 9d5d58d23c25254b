import type { Verdict } from '@sokoul/contracts';

/**
 * What a verdict does to a release's rank. The profile expresses what the user wants, so the
 * oracle does not override it: a mismatch already ranks with the releases the profile refuses
 * (`grabbable` is false), and within a tier the adjustment stays below one revision level
 * (100 points: a PROPER still beats a confident match), acting as a strong tie-breaker.
 */
export function scoreAdjustmentFor(verdict: Verdict, confidence: number): number {
  switch (verdict) {
    case 'match':
      return Math.round(40 * confidence);
    case 'uncertain':
      return -20;
    case 'mismatch':
      return -Math.round(90 * confidence) - 10;
  }
}
