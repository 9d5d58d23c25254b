import type { z } from 'zod';
import { downloadProgressSchema, downloadRequestedSchema, downloadUpdatedSchema } from './payloads/downloads';
import { qualityProfileChangedSchema, releasesFoundSchema, releasesValidatedSchema } from './payloads/releases';
import { searchCompletedSchema, searchRequestedSchema } from './payloads/search';
import { systemAlertSchema } from './payloads/system';
import { type MessageKind, type Subject, Subjects } from './subjects';

export interface MessageDefinition<S extends z.ZodType = z.ZodType> {
  kind: MessageKind;
  /** Stable name of the message, independent of its subject. */
  type: string;
  schemaVersion: number;
  schema: S;
}

/** The one place linking a subject to its payload. */
export const MessageCatalog = {
  [Subjects.searchRequested]: {
    kind: 'command',
    type: 'search.requested',
    schemaVersion: 1,
    schema: searchRequestedSchema,
  },
  [Subjects.searchCompleted]: {
    kind: 'event',
    type: 'search.completed',
    schemaVersion: 1,
    schema: searchCompletedSchema,
  },
  [Subjects.releasesFound]: {
    kind: 'event',
    type: 'releases.found',
    schemaVersion: 1,
    schema: releasesFoundSchema,
  },
  [Subjects.releasesValidated]: {
    kind: 'event',
    type: 'releases.validated',
    schemaVersion: 1,
    schema: releasesValidatedSchema,
  },
  [Subjects.qualityProfileChanged]: {
    kind: 'event',
    type: 'quality-profile.changed',
    schemaVersion: 1,
    schema: qualityProfileChangedSchema,
  },
  [Subjects.downloadRequested]: {
    kind: 'command',
    type: 'download.requested',
    schemaVersion: 1,
    schema: downloadRequestedSchema,
  },
  [Subjects.downloadUpdated]: {
    kind: 'event',
    type: 'download.updated',
    schemaVersion: 1,
    schema: downloadUpdatedSchema,
  },
  [Subjects.downloadProgress]: {
    kind: 'event',
    type: 'download.progress',
    schemaVersion: 1,
    schema: downloadProgressSchema,
  },
  [Subjects.systemAlert]: {
    kind: 'event',
    type: 'system.alert',
    schemaVersion: 1,
    schema: systemAlertSchema,
  },
} as const satisfies Record<Subject, MessageDefinition>;

export type PayloadOf<S extends Subject> = z.infer<(typeof MessageCatalog)[S]['schema']>;

export function subjectsOfKind(kind: MessageKind): Subject[] {
  return (Object.keys(MessageCatalog) as Subject[]).filter((s) => MessageCatalog[s].kind === kind);
}

export function isSubject(value: string): value is Subject {
  return Object.prototype.hasOwnProperty.call(MessageCatalog, value);
}
