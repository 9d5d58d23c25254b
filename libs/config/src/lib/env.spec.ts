import { z } from 'zod';
import { tracingEnv } from './env';
import { ConfigError, loadConfig } from './load-config';

const schema = z.object(tracingEnv);

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('tracingEnv', () => {
  it('leaves tracing off when nothing is set: no endpoint, no service name, every new trace kept', () => {
    expect(loadConfig(schema, {})).toEqual({ OTEL_TRACES_SAMPLER_ARG: 1 });
  });

  it('reads a variable set to nothing (NAME= in an env file) as not set', () => {
    expect(loadConfig(schema, { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '', OTEL_SERVICE_NAME: '' })).toEqual({ OTEL_TRACES_SAMPLER_ARG: 1 });
  });

  it('reads the endpoints, the service name and the ratio', () => {
    expect(
      loadConfig(schema, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example.test/v1/traces',
        OTEL_SERVICE_NAME: 'sokoul-scout',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      }),
    ).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example.test/v1/traces',
      OTEL_SERVICE_NAME: 'sokoul-scout',
      OTEL_TRACES_SAMPLER_ARG: 0.25,
    });
  });

  it.each(['0', '1', '0.5', '.5', '1.0'])('takes %s as a ratio', (ratio) => {
    expect(loadConfig(schema, { OTEL_TRACES_SAMPLER_ARG: ratio }).OTEL_TRACES_SAMPLER_ARG).toBe(Number(ratio));
  });

  it('names each bad variable: an endpoint that is not http(s), a ratio outside 0..1, a service name with spaces', () => {
    expect(problems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' })).toEqual([expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT: expected an http or https URL/)]);
    expect(problems({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318' })).toEqual([expect.stringMatching(/^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: expected an http or https URL/)]);
    expect(problems({ OTEL_TRACES_SAMPLER_ARG: '1.5' })).toEqual([expect.stringMatching(/^OTEL_TRACES_SAMPLER_ARG: expected a number between 0 and 1/)]);
    expect(problems({ OTEL_TRACES_SAMPLER_ARG: '-0.1' })).toHaveLength(1);
    expect(problems({ OTEL_SERVICE_NAME: 'my service' })).toEqual([expect.stringMatching(/^OTEL_SERVICE_NAME: /)]);
  });
});
