import type { LevelWithSilent } from 'pino';
import { JsonLogger } from './json-logger';
import { currentTrace, runInTrace } from './trace-context';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

type Line = Record<string, unknown>;

/** A logger whose output is collected, one parsed JSON object per line written. */
function capturingLogger(level?: LevelWithSilent): { logger: JsonLogger; lines: Line[]; raw: string[] } {
  const raw: string[] = [];
  const logger = new JsonLogger({ service: 'scout', level, destination: { write: (chunk: string) => raw.push(chunk) } });
  return {
    logger,
    raw,
    get lines() {
      return raw.map((chunk) => JSON.parse(chunk) as Line);
    },
  };
}

describe('JsonLogger', () => {
  it('writes one JSON line per call with service, level, msg and an ISO time', () => {
    const out = capturingLogger();

    out.logger.log('search started');
    out.logger.warn('slow indexer');

    expect(out.raw).toHaveLength(2);
    expect(out.raw.every((chunk) => chunk.endsWith('\n') && !chunk.slice(0, -1).includes('\n'))).toBe(true);
    expect(out.lines[0]).toMatchObject({ service: 'scout', level: 'info', msg: 'search started' });
    expect(out.lines[1]).toMatchObject({ service: 'scout', level: 'warn', msg: 'slow indexer' });
    expect(new Date(out.lines[0]['time'] as string).toISOString()).toBe(out.lines[0]['time']);
  });

  it('names every level the way Nest calls it', () => {
    const out = capturingLogger('trace');

    out.logger.log('a');
    out.logger.error('b');
    out.logger.warn('c');
    out.logger.debug('d');
    out.logger.verbose('e');
    out.logger.fatal('f');

    expect(out.lines.map((line) => [line['msg'], line['level']])).toEqual([
      ['a', 'info'],
      ['b', 'error'],
      ['c', 'warn'],
      ['d', 'debug'],
      ['e', 'trace'],
      ['f', 'fatal'],
    ]);
  });

  it('drops lines below its level', () => {
    const out = capturingLogger('warn');

    out.logger.log('hidden');
    out.logger.debug('hidden too');
    out.logger.error('shown');

    expect(out.lines.map((line) => line['msg'])).toEqual(['shown']);
  });

  it('adds trace_id and span_id of the current trace inside runInTrace', () => {
    const out = capturingLogger();

    const span = runInTrace(TRACEPARENT, () => {
      out.logger.log('handling message');
      return currentTrace()?.spanId;
    });

    expect(out.lines[0]).toMatchObject({ msg: 'handling message', trace_id: TRACE_ID, span_id: span });
  });

  it('adds no trace fields outside a trace', () => {
    const out = capturingLogger();

    out.logger.log('starting');

    expect(out.lines[0]).not.toHaveProperty('trace_id');
    expect(out.lines[0]).not.toHaveProperty('span_id');
  });

  it('keeps the trailing string argument as the context (class name)', () => {
    const out = capturingLogger();

    out.logger.log('consuming sokoul.search.requested', 'JetStreamServer');

    expect(out.lines[0]).toMatchObject({ msg: 'consuming sokoul.search.requested', context: 'JetStreamServer' });
  });

  it('keeps an Error as err, with its message and stack', () => {
    const out = capturingLogger();
    const error = new Error('indexer unreachable');

    out.logger.error('search failed', error, 'SearchRunService');

    const err = out.lines[0]['err'] as Record<string, unknown>;
    expect(out.lines[0]).toMatchObject({ msg: 'search failed', context: 'SearchRunService' });
    expect(err).toMatchObject({ type: 'Error', message: 'indexer unreachable' });
    expect(err['stack']).toBe(error.stack);
  });

  it('logs an Error given as the message with its message as msg and the error as err', () => {
    const out = capturingLogger();
    const error = new TypeError('bad payload');

    out.logger.error(error);

    expect(out.lines[0]).toMatchObject({ level: 'error', msg: 'bad payload', err: { type: 'TypeError', stack: error.stack } });
  });

  it('keeps the stack string Nest passes to error(message, stack, context)', () => {
    const out = capturingLogger();

    out.logger.error('unhandled', 'Error: boom\n    at somewhere', 'ExceptionHandler');

    expect(out.lines[0]).toMatchObject({ msg: 'unhandled', stack: 'Error: boom\n    at somewhere', context: 'ExceptionHandler' });
  });

  it('merges the fields of an object given as message or as an argument', () => {
    const out = capturingLogger();

    out.logger.warn({ msg: 'handler failed, retrying', attempt: 2 }, 'scout-sokoul_search_requested');
    out.logger.log('published', { subject: 'sokoul.search.completed' });

    expect(out.lines[0]).toMatchObject({ msg: 'handler failed, retrying', attempt: 2, context: 'scout-sokoul_search_requested' });
    expect(out.lines[1]).toMatchObject({ msg: 'published', subject: 'sokoul.search.completed' });
  });

  it('redacts password fields, at the top level and one level down', () => {
    const out = capturingLogger();

    out.logger.log({ msg: 'user created', username: 'neo', password: 'hunter2' });
    out.logger.log('login', { user: { name: 'neo', password: 'hunter2' } });

    expect(out.raw.join('')).not.toContain('hunter2');
    expect(out.lines[0]).toMatchObject({ username: 'neo', password: '[redacted]' });
    expect(out.lines[1]).toMatchObject({ user: { name: 'neo', password: '[redacted]' } });
  });

  it('redacts tokens, api keys and authorization headers', () => {
    const out = capturingLogger();

    out.logger.log({
      msg: 'calling indexer',
      token: 'tok-secret',
      config: { apiKey: 'key-secret' },
      headers: { authorization: 'Bearer auth-secret', accept: 'application/json' },
    });

    expect(out.raw.join('')).not.toMatch(/tok-secret|key-secret|auth-secret/);
    expect(out.lines[0]).toMatchObject({ headers: { authorization: '[redacted]', accept: 'application/json' } });
  });
});
