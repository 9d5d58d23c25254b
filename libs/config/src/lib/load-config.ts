import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment with `schema` (whose keys are variable names) and returns the typed
 * result; throws a ConfigError naming every bad variable and the value it had.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(environment)');
    const value = env[variable];
    const shown = value === undefined ? 'it is not set' : `got ${JSON.stringify(redact(variable, value))}`;
    return `${variable}: ${issue.message}, ${shown}`;
  });
  throw new ConfigError(problems);
}

/** Secrets in a connection URL or a *_KEY / *_SECRET / *_PASSWORD / *_TOKEN never reach a log. */
function redact(variable: string, value: string): string {
  if (/(KEY|SECRET|PASSWORD|TOKEN)$/.test(variable)) return '***';
  try {
    const parsed = new URL(value);
    if (!parsed.password) return value;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL we can parse: hide everything between "//user:" and the last "@".
    return value.replace(/\/\/([^:/@]*):.*@/, '//$1:***@');
  }
}
