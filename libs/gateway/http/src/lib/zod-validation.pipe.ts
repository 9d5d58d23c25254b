import { type PipeTransform, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { ValidationProblem } from './problem-details';

/**
 * Validates (and coerces) a body, query or param with a zod schema; strict schemas reject
 * unknown fields. Failures become a 400 problem listing each field as a JSON pointer.
 */
@Injectable()
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const unstorable = findUnstorableText(value);
    if (unstorable) throw new ValidationProblem([{ pointer: unstorable, detail: 'text must be valid Unicode without NUL characters' }]);
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new ValidationProblem(
      result.error.issues.map((issue) => ({
        pointer: `/${issue.path.map(String).join('/')}`,
        detail:
          issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
      })),
    );
  }
}

// NUL is exactly the character to find here.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The JSON pointer of the first string that Postgres cannot store as text: one with a NUL
 * character or an unpaired UTF-16 surrogate. Refused here, with a 400, rather than deep in a
 * query with a 500.
 */
export function findUnstorableText(value: unknown, pointer = ''): string | undefined {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? pointer || '/' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const found = findUnstorableText(key, at) ?? findUnstorableText(item, at);
    if (found) return found;
  }
  return undefined;
}
