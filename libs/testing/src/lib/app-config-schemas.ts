import { join } from 'node:path';
import type { z } from 'zod';

const WORKSPACE_ROOT = join(__dirname, '../../../..');

/**
 * Each app's config schema, and the migration's (`migrate`, in the gateway's config file),
 * read from apps/<app>/src/config.ts as the app's own process reads it: apps are not
 * libraries, so they have no `@sokoul/` path. A spec using this lists the apps as implicit
 * dependencies in its project.json.
 */
export async function loadAppConfigSchemas<App extends string>(apps: readonly App[]): Promise<(name: App | 'migrate') => z.ZodObject> {
  const schemas = new Map<App | 'migrate', z.ZodObject>();
  for (const app of apps) {
    const config = (await import(join(WORKSPACE_ROOT, 'apps', app, 'src', 'config'))) as Record<string, z.ZodObject>;
    schemas.set(app, config[`${app}ConfigSchema`]);
    if (app === 'gateway') schemas.set('migrate', config['migrationConfigSchema']);
  }
  return (name) => {
    const schema = schemas.get(name);
    if (!schema) throw new Error(`no config schema for ${name}`);
    return schema;
  };
}

/** The variables an app cannot start without: no default, so parsing `{}` names them. */
export function requiredVariables(schema: z.ZodObject): string[] {
  const result = schema.safeParse({});
  return (result.error?.issues ?? []).filter((issue) => issue.code === 'invalid_type' && issue.path.length === 1).map((issue) => String(issue.path[0]));
}
