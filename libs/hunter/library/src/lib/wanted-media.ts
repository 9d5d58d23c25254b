/**
 * The fields of `Media` (`@sokoul/contracts`) this library reads. Declared here because a util
 * library may not depend on contracts (docs/adr/0002-module-boundaries.md); a `Media` is
 * assignable to it as it is.
 */
export interface WantedMedia {
  readonly kind: 'movie' | 'series';
  readonly title: string;
  readonly year: number | null;
  /** A series request for one season (or one episode of it); `null` asks for no particular season. */
  readonly season: number | null;
  readonly episode: number | null;
}
