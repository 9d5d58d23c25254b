/** The TMDB client, when TMDB is configured. */
export const TMDB_CLIENT = Symbol('TMDB_CLIENT');
