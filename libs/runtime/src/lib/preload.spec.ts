const registerTracingInstrumentations = jest.fn(() => () => undefined);
jest.mock('./instrumentations', () => ({ registerTracingInstrumentations }));

import { registerInstrumentationsForTracing } from './preload';

beforeEach(() => registerTracingInstrumentations.mockClear());

describe('registerInstrumentationsForTracing', () => {
  it('registers nothing, and loads no instrumentation, without an OTLP endpoint', () => {
    expect(registerInstrumentationsForTracing({})).toBeUndefined();
    expect(registerInstrumentationsForTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBeUndefined();

    expect(registerTracingInstrumentations).not.toHaveBeenCalled();
  });

  it.each([['OTEL_EXPORTER_OTLP_ENDPOINT'], ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']])('registers the instrumentations when %s is set', (variable) => {
    const unregister = registerInstrumentationsForTracing({ [variable]: 'http://127.0.0.1:4318' });

    expect(registerTracingInstrumentations).toHaveBeenCalledTimes(1);
    expect(unregister).toEqual(expect.any(Function));
  });

  it('registers nothing when a tracing variable is bad: the service reports it and exits (78) at start', () => {
    expect(registerInstrumentationsForTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toBeUndefined();
    expect(registerInstrumentationsForTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_SAMPLER_ARG: '2' })).toBeUndefined();

    expect(registerTracingInstrumentations).not.toHaveBeenCalled();
  });
});
