import { type PipeTransform, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { ValidationProblem } from './problem-details';

/**
 * Validates (and coerces) a body, query or param with a zod schema; strict schemas reject
 * unknown fields. Failures become a 400 problem listing each field as a JSON pointer.
 */
@Injectable()
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
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
