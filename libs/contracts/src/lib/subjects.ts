/**
 * Every subject on the wire. Commands are work for exactly one worker of a kind (work-queue
 * stream, competing consumers); events are facts any number of services may read (limits
 * stream). A subject belongs to exactly one of the two streams.
 */
export const Subjects = {
  searchRequested: 'sokoul.search.requested',
  searchCompleted: 'sokoul.search.completed',
  releasesFound: 'sokoul.releases.found',
  releasesValidated: 'sokoul.releases.validated',
  qualityProfileChanged: 'sokoul.quality-profile.changed',
  downloadRequested: 'sokoul.download.requested',
  downloadUpdated: 'sokoul.download.updated',
  downloadProgress: 'sokoul.download.progress',
  systemAlert: 'sokoul.system.alert',
} as const;

export type Subject = (typeof Subjects)[keyof typeof Subjects];

export type MessageKind = 'command' | 'event';

export const Streams = {
  commands: 'SOKOUL_COMMANDS',
  events: 'SOKOUL_EVENTS',
  deadLetters: 'SOKOUL_DLQ',
} as const;

/** Dead-lettered copies are published under this prefix plus the original subject. */
export const DEAD_LETTER_SUBJECT_PREFIX = 'sokoul.dlq';
