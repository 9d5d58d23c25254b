import type { z } from 'zod';
import { ConfigError, loadConfig } from '@sokoul/config';

/**
 * Loads the service's configuration or stops the process with exit code 78 (EX_CONFIG) and
 * one JSON log line naming each bad variable: a misconfigured service never half-starts.
 */
export function readConfigOrExit<S extends z.ZodObject>(service: string, schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), service, msg: error.message, problems: error.problems })}\n`,
    );
    process.exit(78);
  }
}
