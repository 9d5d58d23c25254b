import { z } from 'zod';
import { ConfigError, loadConfig, tracingEnv } from '@sokoul/config';
import { tracesUrl } from './service-modules';

/**
 * Registers OpenTelemetry's instrumentations when tracing is configured (an OTLP endpoint is
 * set); returns what unregisters them, or undefined when tracing is off: then no OpenTelemetry
 * code is even loaded. Bad tracing variables register nothing here: `runService` reports them.
 */
export function registerInstrumentationsForTracing(env: Record<string, string | undefined> = process.env): (() => void) | undefined {
  let config: z.infer<z.ZodObject<typeof tracingEnv>>;
  try {
    config = loadConfig(z.object(tracingEnv), env);
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
  if (!tracesUrl(config)) return undefined;
  // Loaded only with tracing on: a require stays lazy in the webpack bundle, an import would not.
  const { registerTracingInstrumentations } = require('./instrumentations') as typeof import('./instrumentations');
  return registerTracingInstrumentations();
}

/*
 * The instrumentations hook `require`: they patch http, pg and ioredis only if registered before
 * those are first loaded. So this runs as this module is evaluated, and this module is the first
 * export of @sokoul/runtime, whose import is the first line of every service's main.ts (webpack
 * keeps import order; node_modules stay external, loaded by Node's require).
 */
registerInstrumentationsForTracing();
