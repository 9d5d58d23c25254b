import type { DynamicModule } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { z } from 'zod';
import { loadConfig } from '@sokoul/config';
import { namespaceEnv, removeNamespace } from './namespace-env';
import { readinessOf } from './readiness-of';
import { uniqueNamespace } from './test-environment';

export interface ServiceModuleSpec<S extends z.ZodObject> {
  service: string;
  configSchema: S;
  forRoot: (config: z.infer<S>, instanceId: string) => DynamicModule;
  portVariable: string;
  defaultPort: number;
  /** Names of the readiness checks, sorted: exactly the dependencies the service uses. */
  readiness: string[];
  /** Application-level setup the service's main.ts applies (adapters, prefixes). */
  configure?: (app: NestExpressApplication) => void;
}

/**
 * The specification every service's root module meets: its port comes from its own variable,
 * and booted against the real servers it is ready when exactly its dependencies answer.
 */
export function describeServiceModule<S extends z.ZodObject>(spec: ServiceModuleSpec<S>): void {
  describe(`${spec.service} application module`, () => {
    const namespace = uniqueNamespace(spec.service);
    const env = { ...namespaceEnv(namespace), DATABASE_MIGRATE_ON_START: 'true' };

    afterAll(() => removeNamespace(namespace));

    it(`listens on ${spec.defaultPort} unless ${spec.portVariable} says otherwise`, () => {
      expect(loadConfig(spec.configSchema, env)[spec.portVariable]).toBe(spec.defaultPort);
      expect(loadConfig(spec.configSchema, { ...env, [spec.portVariable]: '8080' })[spec.portVariable]).toBe(8080);
    });

    it(`is ready when exactly the dependencies it uses answer: ${spec.readiness.join(', ')}`, async () => {
      const readiness = await readinessOf(spec.forRoot(loadConfig(spec.configSchema, env), 'spec'), spec.configure);
      expect(readiness).toEqual({ status: 200, checks: spec.readiness });
    });
  });
}
