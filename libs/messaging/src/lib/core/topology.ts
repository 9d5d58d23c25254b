import { type JetStreamManager, type StreamConfig, DiscardPolicy, RetentionPolicy, StorageType, nanos } from 'nats';
import { DEAD_LETTER_SUBJECT_PREFIX, Streams, subjectsOfKind } from '@sokoul/contracts';
import type { Wire } from './wire';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * The three streams. Commands: work queue (a message is removed once one worker acked it).
 * Events: limits (every interested service reads it; kept a week). Dead letters: kept a month
 * for an operator to inspect and replay.
 */
export function streamConfigs(wire: Wire): Partial<StreamConfig>[] {
  const common = { storage: StorageType.File, num_replicas: 1, duplicate_window: nanos(10 * MINUTE_MS) };
  return [
    {
      ...common,
      name: wire.stream(Streams.commands),
      subjects: subjectsOfKind('command').map((s) => wire.subject(s)),
      retention: RetentionPolicy.Workqueue,
      max_age: nanos(7 * DAY_MS),
      discard: DiscardPolicy.Old,
    },
    {
      ...common,
      name: wire.stream(Streams.events),
      subjects: subjectsOfKind('event').map((s) => wire.subject(s)),
      retention: RetentionPolicy.Limits,
      max_age: nanos(7 * DAY_MS),
      discard: DiscardPolicy.Old,
    },
    {
      ...common,
      name: wire.stream(Streams.deadLetters),
      subjects: [wire.subject(`${DEAD_LETTER_SUBJECT_PREFIX}.>`)],
      retention: RetentionPolicy.Limits,
      max_age: nanos(30 * DAY_MS),
      discard: DiscardPolicy.Old,
    },
  ];
}

/**
 * Creates the streams, or brings an existing one to the current configuration. Safe to run
 * from every replica at every start.
 */
export async function ensureStreams(jsm: JetStreamManager, wire: Wire): Promise<void> {
  for (const config of streamConfigs(wire)) {
    try {
      await jsm.streams.info(config.name as string);
      await jsm.streams.update(config.name as string, config);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await jsm.streams.add(config);
      } catch (addError) {
        // Another replica created it between our info and add: converge on update.
        if (!/already in use|already exists/i.test((addError as Error).message)) throw addError;
        await jsm.streams.update(config.name as string, config);
      }
    }
  }
}

export function isNotFound(error: unknown): boolean {
  return /not found/i.test((error as Error)?.message ?? '');
}
