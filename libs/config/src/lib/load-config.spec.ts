import { z } from 'zod';
import { booleanFlag, databaseEnv, logEnv, millisecondList, natsEnv, port, positiveInt, redisEnv, url } from './env';
import { ConfigError, loadConfig } from './load-config';

/** Runs loadConfig and returns the ConfigError it throws (fails the test if it does not throw one). */
function configError(schema: z.ZodObject, env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(schema, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loadConfig', () => {
  const serviceSchema = z.object({
    GATEWAY_PORT: port(3000),
    ...databaseEnv,
    ...natsEnv,
    ...redisEnv,
    ...logEnv,
  });

  it('applies the defaults of every fragment when nothing is set', () => {
    const config = loadConfig(serviceSchema, {});

    expect(config).toEqual({
      GATEWAY_PORT: 3000,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/sokoul',
      DATABASE_SCHEMA: 'public',
      DATABASE_POOL_SIZE: 10,
      DATABASE_MIGRATE_ON_START: false,
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_ACK_WAIT_MS: 30_000,
      NATS_MAX_DELIVER: 5,
      NATS_RETRY_BACKOFF_MS: [1000, 5000, 30_000, 120_000],
      NATS_CONCURRENCY: 4,
      NATS_DRAIN_TIMEOUT_MS: 10_000,
      NATS_HEARTBEAT_INTERVAL_MS: 10_000,
      REDIS_URL: 'redis://127.0.0.1:6379',
      LOG_LEVEL: 'info',
    });
  });

  it('converts the strings it is given into the typed values of the schema', () => {
    const config = loadConfig(serviceSchema, {
      GATEWAY_PORT: '8080',
      DATABASE_MIGRATE_ON_START: 'true',
      NATS_MAX_DELIVER: '3',
      NATS_RETRY_BACKOFF_MS: '100,200',
      SOKOUL_NAMESPACE: 'stack_2',
      LOG_LEVEL: 'debug',
    });

    expect(config.GATEWAY_PORT).toBe(8080);
    expect(config.DATABASE_MIGRATE_ON_START).toBe(true);
    expect(config.NATS_MAX_DELIVER).toBe(3);
    expect(config.NATS_RETRY_BACKOFF_MS).toEqual([100, 200]);
    expect(config.SOKOUL_NAMESPACE).toBe('stack_2');
    expect(config.LOG_LEVEL).toBe('debug');
  });

  it('reads process.env when no environment is given', () => {
    const variable = 'SOKOUL_LOAD_CONFIG_SPEC_PORT';
    process.env[variable] = '4321';
    try {
      expect(loadConfig(z.object({ [variable]: port(1) }))).toEqual({ [variable]: 4321 });
    } finally {
      delete process.env[variable];
    }
  });

  it('throws a ConfigError that names the bad variable and the value it had', () => {
    const error = configError(serviceSchema, { GATEWAY_PORT: 'abc' });

    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe('Invalid configuration: GATEWAY_PORT: expected an integer between 1 and 65535, got "abc"');
    expect(error.problems).toEqual(['GATEWAY_PORT: expected an integer between 1 and 65535, got "abc"']);
  });

  it('names every bad variable, not only the first', () => {
    const error = configError(serviceSchema, {
      GATEWAY_PORT: '70000',
      DATABASE_POOL_SIZE: '-1',
      NATS_URL: 'http://127.0.0.1:4222',
      LOG_LEVEL: 'loud',
    });

    expect(error.problems).toHaveLength(4);
    expect(error.message).toContain('GATEWAY_PORT: expected an integer between 1 and 65535, got "70000"');
    expect(error.message).toContain('DATABASE_POOL_SIZE: expected a positive integer, got "-1"');
    expect(error.message).toContain('NATS_URL: expected a nats or tls URL, got "http://127.0.0.1:4222"');
    expect(error.message).toContain('LOG_LEVEL: expected fatal, error, warn, info, debug or trace, got "loud"');
  });

  it('says a required variable without default is not set', () => {
    const error = configError(z.object({ TMDB_API_URL: z.string() }), {});

    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^TMDB_API_URL: .*, it is not set$/);
  });

  describe('never shows a secret', () => {
    it.each(['SOKOUL_API_KEY', 'SESSION_SECRET', 'ADMIN_PASSWORD', 'TMDB_TOKEN'])('hides the value of %s', (variable) => {
      const error = configError(z.object({ [variable]: z.string().min(32, { error: 'too short' }) }), {
        [variable]: 'hunter2-leaked',
      });

      expect(error.message).toBe(`Invalid configuration: ${variable}: too short, got "***"`);
      expect(error.message).not.toContain('hunter2');
    });

    it('hides the password inside a connection URL but keeps the rest to debug it', () => {
      const error = configError(serviceSchema, { DATABASE_URL: 'mysql://sokoul:hunter2@db.internal:5432/sokoul' }); // secretlint-disable-line -- a fixture, not a credential

      expect(error.message).toBe(
        'Invalid configuration: DATABASE_URL: expected a postgres or postgresql URL, got "mysql://sokoul:***@db.internal:5432/sokoul"',
      );
      expect(error.message).not.toContain('hunter2');
    });

    it('hides the password of every URL when several are bad', () => {
      const error = configError(serviceSchema, {
        DATABASE_URL: 'http://u:first-secret@h/db',
        NATS_URL: 'http://u:second-secret@h:4222',
      });

      expect(error.problems).toHaveLength(2);
      expect(error.message).not.toMatch(/first-secret|second-secret/);
    });

    it('shows a URL without credentials unchanged', () => {
      const error = configError(serviceSchema, { REDIS_URL: 'http://cache:6379' });

      expect(error.message).toContain('got "http://cache:6379"');
    });
  });
});

describe('environment fragments', () => {
  const parse = <S extends z.ZodType>(schema: S, value: string | undefined) => z.object({ VALUE: schema }).safeParse({ VALUE: value });

  describe('port()', () => {
    it.each([
      ['1', 1],
      ['65535', 65535],
      ['5432', 5432],
    ])('accepts %s', (value, expected) => {
      expect(parse(port(3000), value)).toMatchObject({ success: true, data: { VALUE: expected } });
    });

    it.each(['0', '65536', '-80', '80.5', 'http', ''])('rejects %j', (value) => {
      const result = parse(port(3000), value);

      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toBe('expected an integer between 1 and 65535');
    });

    it('falls back to its default when unset', () => {
      expect(parse(port(3000), undefined)).toMatchObject({ success: true, data: { VALUE: 3000 } });
    });
  });

  describe('positiveInt()', () => {
    it('accepts a positive integer and rejects zero', () => {
      expect(parse(positiveInt(5), '7')).toMatchObject({ success: true, data: { VALUE: 7 } });
      expect(parse(positiveInt(5), '0').success).toBe(false);
    });
  });

  describe('millisecondList()', () => {
    it('parses a comma-separated list, ignoring spaces around the values', () => {
      expect(parse(millisecondList('1'), '1000, 5000')).toMatchObject({ success: true, data: { VALUE: [1000, 5000] } });
    });

    it('parses a single value', () => {
      expect(parse(millisecondList('1'), '250')).toMatchObject({ success: true, data: { VALUE: [250] } });
    });

    it('parses its default when unset', () => {
      expect(parse(millisecondList('1000,5000,30000'), undefined)).toMatchObject({
        success: true,
        data: { VALUE: [1000, 5000, 30000] },
      });
    });

    it.each(['1000,soon', '1000,,5000', '0', '1000,-5', '1.5', ''])('rejects %j', (value) => {
      const result = parse(millisecondList('1'), value);

      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/^expected comma-separated positive milliseconds/);
    });
  });

  describe('booleanFlag()', () => {
    it.each([
      ['true', true],
      ['1', true],
      ['false', false],
      ['0', false],
    ])('reads %j as %s', (value, expected) => {
      expect(parse(booleanFlag(!expected), value)).toMatchObject({ success: true, data: { VALUE: expected } });
    });

    it.each([true, false])('falls back to %s when unset', (fallback) => {
      expect(parse(booleanFlag(fallback), undefined)).toMatchObject({ success: true, data: { VALUE: fallback } });
    });

    it.each(['yes', 'on', ''])('rejects %j', (value) => {
      const result = parse(booleanFlag(false), value);

      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toBe('expected true or false');
    });
  });

  describe('url()', () => {
    it('accepts any of the listed protocols', () => {
      const schema = url(['postgres', 'postgresql'], 'postgres://localhost/db');

      expect(parse(schema, 'postgresql://u@h:5432/db').success).toBe(true);
      expect(parse(schema, 'postgres://u@h:5432/db').success).toBe(true);
    });

    it('rejects another protocol and text that is not a URL', () => {
      const schema = url(['redis'], 'redis://localhost');

      expect(parse(schema, 'http://cache:6379').error?.issues[0]?.message).toBe('expected a redis URL');
      expect(parse(schema, 'cache:6379').success).toBe(false);
      expect(parse(schema, 'not a url').success).toBe(false);
    });
  });

  describe('SOKOUL_NAMESPACE', () => {
    it('accepts a lower-case identifier, is optional, and rejects what cannot prefix a stream', () => {
      const schema = z.object({ SOKOUL_NAMESPACE: natsEnv.SOKOUL_NAMESPACE });

      expect(schema.parse({ SOKOUL_NAMESPACE: 'e2e_ab12' })).toEqual({ SOKOUL_NAMESPACE: 'e2e_ab12' });
      expect(schema.parse({})).toEqual({});
      for (const bad of ['E2E', '1stack', 'a.b', 'a'.repeat(32)]) {
        expect(schema.safeParse({ SOKOUL_NAMESPACE: bad }).success).toBe(false);
      }
    });
  });
});
