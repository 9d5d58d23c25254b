import { z } from 'zod';
import { ValidationProblem } from './problem-details';
import { ZodValidationPipe, findUnstorableText } from './zod-validation.pipe';

describe('ZodValidationPipe', () => {
  const pipe = new ZodValidationPipe(z.strictObject({ name: z.string().max(20), tags: z.array(z.string()).optional() }));
  const problemOf = (value: unknown) => {
    try {
      pipe.transform(value);
    } catch (error) {
      return (error as ValidationProblem).extensions.errors;
    }
    throw new Error('expected a validation problem');
  };

  it('returns the parsed value when it validates', () => {
    expect(pipe.transform({ name: 'Dune' })).toEqual({ name: 'Dune' });
  });

  it('lists each invalid field as a JSON pointer, unknown fields included', () => {
    expect(problemOf({ name: 12, role: 'admin' })).toEqual([
      { pointer: '/name', detail: expect.any(String) },
      { pointer: '/', detail: 'unknown field(s): role' },
    ]);
  });

  it('refuses text Postgres cannot store (NUL, lone surrogates) with a 400, naming where it is', () => {
    expect(problemOf({ name: 'nul\u0000byte' })).toEqual([{ pointer: '/name', detail: expect.stringMatching(/NUL/) }]);
    expect(problemOf({ name: 'ok', tags: ['fine', '\ud800'] })).toEqual([{ pointer: '/tags/1', detail: expect.any(String) }]);
  });
});

describe('findUnstorableText', () => {
  it('accepts any well-formed text: emoji, right-to-left, combining marks', () => {
    expect(findUnstorableText({ a: '💥🎬 ﷽ \u202e é', b: ['Shōgun'] })).toBeUndefined();
  });

  it('finds NUL characters and unpaired surrogates in values and keys, escaping the pointer', () => {
    expect(findUnstorableText('\udc00 alone')).toBe('/');
    expect(findUnstorableText({ 'a/b': { c: 'x\u0000' } })).toBe('/a~1b/c');
    expect(findUnstorableText({ ['k\u0000']: 1 })).toBe('/k\u0000');
  });
});
