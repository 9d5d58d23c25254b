import { type ParseArgsConfig, parseArgs } from 'node:util';

type Values<T extends NonNullable<ParseArgsConfig['options']>> = ReturnType<typeof parseArgs<{ options: T }>>['values'];

/** A bad flag: the bench prints the message and its usage, and exits 2. */
export class UsageError extends Error {}

/** The benches' flags: parsed (an unknown or malformed one is a UsageError), `--help` prints the usage and exits. */
export function parseBenchArgs<const T extends NonNullable<ParseArgsConfig['options']>>(options: T, usage: string): Values<T> {
  let values: Values<T>;
  try {
    values = parseArgs({ options }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return values;
}
