import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { loadAppConfigSchemas, requiredVariables } from '@sokoul/testing';

// No Docker engine (nor `docker compose config`) runs here: this spec is how docker/compose.yml
// is checked. It reads the file as Compose would (YAML merge keys, `${VAR:-default}` and
// `${VAR:?error}` interpolated from a .env), and holds each Sokoul service's resulting
// environment against that service's own configuration schema (apps/<app>/src/config.ts), its
// ports against the Dockerfile and prometheus.yml, and every reference against what is defined.

const ROOT = join(__dirname, '..', '..');
const DOCKER = join(ROOT, 'docker');
const APPS = ['gateway', 'scout', 'hunter', 'oracle', 'sentinel'] as const;
type App = (typeof APPS)[number];
const PORT_VARIABLE: Record<App, string> = { gateway: 'GATEWAY_PORT', scout: 'SCOUT_PORT', hunter: 'HUNTER_PORT', oracle: 'ORACLE_PORT', sentinel: 'SENTINEL_PORT' };

/** What a self-hoster's docker/.env holds at least (docker/README.md). */
const DOT_ENV: Record<string, string> = {
  SOKOUL_OWNER: 'example-org',
  AUTH_JWT_SECRET: 'j'.repeat(48),
  SECRETS_ENCRYPTION_KEY: 'k'.repeat(48),
  POSTGRES_PASSWORD: 'a database password',
  GRAFANA_ADMIN_PASSWORD: 'a grafana password',
};

/** Compose's interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR-d}`, `${VAR:-d}`, `${VAR?e}`, `${VAR:?e}`, nested defaults. */
function interpolate(text: string, env: Record<string, string | undefined>): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '$') {
      out += text[i++];
      continue;
    }
    if (text[i + 1] === '$') {
      out += '$';
      i += 2;
    } else if (text[i + 1] === '{') {
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text[j] === '{') depth += 1;
        if (text[j] === '}') depth -= 1;
        j += 1;
      }
      if (depth !== 0) throw new Error(`unclosed \${ in ${text}`);
      const body = text.slice(i + 2, j - 1);
      const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([\s\S]*))?$/.exec(body);
      if (!match) throw new Error(`invalid interpolation \${${body}}`);
      const [, name, colon, operator, argument] = match;
      const value = env[name];
      const missing = value === undefined || (colon === ':' && value === '');
      if (!operator) out += value ?? '';
      else if (!missing) out += value;
      else if (operator === '-') out += interpolate(argument, env);
      else throw new Error(`required variable ${name} is missing a value: ${interpolate(argument, env)}`);
      i = j;
    } else {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
      if (!match) throw new Error(`a lone $ in ${text}: write $$`);
      out += env[match[0]] ?? '';
      i += 1 + match[0].length;
    }
  }
  return out;
}

/** Every string in a parsed document interpolated (keys stay as written, as Compose does). */
function interpolateAll(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolateAll(item, env));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateAll(item, env)]));
  return value;
}

interface Service {
  image?: string;
  command?: string[] | string;
  restart?: string;
  env_file?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: string[];
  volumes?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
}
interface Compose {
  name?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const source = readFileSync(join(DOCKER, 'compose.yml'), 'utf8');
const load = (env: Record<string, string | undefined>) => interpolateAll(parse(source, { merge: true }), env) as Compose;
const compose = load(DOT_ENV);
const services = compose.services;

/** The environment a container starts with: its env_file(s), then `environment`, which wins. */
function environmentOf(name: string): Record<string, string> {
  const service = services[name];
  const env: Record<string, string> = {};
  const files = service.env_file === undefined ? [] : [service.env_file].flat();
  for (const file of files) {
    // The spec's .env stands for docker/.env; no other env file is expected.
    expect(file).toBe('.env');
    Object.assign(env, DOT_ENV);
  }
  const entries = Array.isArray(service.environment)
    ? service.environment.map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string])
    : Object.entries(service.environment ?? {});
  for (const [key, value] of entries) if (value !== null && value !== undefined) env[key] = String(value);
  return env;
}

const dependencies = (service: Service): Record<string, string> =>
  Array.isArray(service.depends_on)
    ? Object.fromEntries(service.depends_on.map((name) => [name, 'service_started']))
    : Object.fromEntries(Object.entries(service.depends_on ?? {}).map(([name, spec]) => [name, spec.condition]));

/** `[host_ip:][host:]container[/protocol]` → the container port and protocol. */
function containerPort(spec: string): { host: string; port: number; protocol: string } {
  const [address, protocol = 'tcp'] = spec.split('/');
  const parts = address.split(':');
  return { host: parts.slice(0, -1).join(':'), port: Number(parts.at(-1)), protocol };
}

/** `source:target[:mode]` → a named volume or a bind mount (relative to docker/). */
function mountOf(spec: string): { source: string; target: string; readOnly: boolean; named: boolean } {
  const [mountSource, target, mode] = spec.split(':');
  return { source: mountSource, target, readOnly: mode === 'ro', named: !/^[./~]/.test(mountSource) };
}

let schemaOf: (app: App | 'migrate') => z.ZodObject;
beforeAll(async () => {
  schemaOf = await loadAppConfigSchemas(APPS);
});

/** The image repository release.yml pushes for a service, with the owner as compose names it. */
function releasedImage(service: string, owner: string): string {
  const release = readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8');
  const template = /name=(ghcr\.io\/\$\{OWNER,,\}\/sokoul-\$\{SERVICE\})/.exec(release)?.[1];
  if (!template) throw new Error('release.yml no longer names its images ghcr.io/${OWNER,,}/sokoul-${SERVICE}');
  return template.replace('${OWNER,,}', owner.toLowerCase()).replace('${SERVICE}', service);
}

describe('docker/compose.yml', () => {
  it('runs the five services, the migration job, Postgres, Redis, NATS, Prometheus and Grafana', () => {
    expect(Object.keys(services).sort()).toEqual([...APPS, 'grafana', 'migrate', 'nats', 'postgres', 'prometheus', 'redis'].sort());
    expect(services.postgres.image).toMatch(/^postgres:16(\b|$)/);
    expect(services.redis.image).toMatch(/^redis:7(\b|$)/);
    expect(services.nats.image).toMatch(/^nats:2\.10(\b|$)/);
  });

  it('refuses to start without the secrets, naming each one', () => {
    for (const name of ['SOKOUL_OWNER', 'AUTH_JWT_SECRET', 'SECRETS_ENCRYPTION_KEY', 'POSTGRES_PASSWORD', 'GRAFANA_ADMIN_PASSWORD']) {
      expect(() => load({ ...DOT_ENV, [name]: undefined })).toThrow(new RegExp(`required variable ${name} is missing`));
      expect(() => load({ ...DOT_ENV, [name]: '' })).toThrow(new RegExp(`required variable ${name} is missing`));
    }
  });

  it.each(APPS)('pulls the %s image release.yml pushes, at its own version, SOKOUL_VERSION or latest', (app) => {
    const image = releasedImage(app, 'example-org');
    expect(services[app].image).toBe(`${image}:latest`);
    expect(load({ ...DOT_ENV, SOKOUL_VERSION: '1.2.3' }).services[app].image).toBe(`${image}:1.2.3`);
    // Services are released on their own (docs/RELEASING.md): each can be pinned to its version.
    const own = { ...DOT_ENV, SOKOUL_VERSION: '1.2.3', [`SOKOUL_${app.toUpperCase()}_VERSION`]: '0.4.1' };
    expect(load(own).services[app].image).toBe(`${image}:0.4.1`);
    const others = APPS.filter((other) => other !== app);
    for (const other of others) expect(load(own).services[other].image).toBe(`${releasedImage(other, 'example-org')}:1.2.3`);
  });

  it.each(APPS)('gives %s an environment its configuration schema accepts, with every required variable set by compose itself', (app) => {
    const env = environmentOf(app);
    const result = schemaOf(app).safeParse(env);
    expect(result.error?.issues ?? []).toEqual([]);
    const own = Object.keys(services[app].environment ?? {});
    for (const variable of requiredVariables(schemaOf(app))) expect(own).toContain(variable);
  });

  it.each(APPS)('points %s at the stack’s Postgres, NATS and Redis by their service names', (app) => {
    const env = environmentOf(app);
    const database = new URL(env.DATABASE_URL);
    expect(database.hostname).toBe('postgres');
    expect(decodeURIComponent(database.password)).toBe(DOT_ENV.POSTGRES_PASSWORD);
    expect(database.pathname).toBe(`/${environmentOf('postgres').POSTGRES_DB}`);
    expect(decodeURIComponent(database.username)).toBe(environmentOf('postgres').POSTGRES_USER);
    expect(new URL(env.NATS_URL).host).toBe('nats:4222');
    expect(new URL(env.REDIS_URL).host).toBe('redis:6379');
  });

  it.each(APPS)('serves %s on the port its Dockerfile stage exposes and prometheus.yml scrapes', (app) => {
    const port = (schemaOf(app).parse(environmentOf(app)) as Record<string, number>)[PORT_VARIABLE[app]];
    const defaultPort = (schemaOf(app).parse({ AUTH_JWT_SECRET: 'x'.repeat(32), SECRETS_ENCRYPTION_KEY: 'x'.repeat(32) }) as Record<string, number>)[PORT_VARIABLE[app]];
    // The port is pinned in compose, whatever .env says, and it is the app's default.
    expect(services[app].environment).toHaveProperty(PORT_VARIABLE[app]);
    expect(port).toBe(defaultPort);
    const dockerfile = readFileSync(join(DOCKER, 'Dockerfile'), 'utf8');
    const exposed = new RegExp(`^FROM runtime AS ${app}\\n(?:#.*\\n)*EXPOSE (\\d+)`, 'm').exec(dockerfile)?.[1];
    expect(Number(exposed)).toBe(port);
    const prometheus = readFileSync(join(DOCKER, 'prometheus', 'prometheus.yml'), 'utf8');
    expect(prometheus).toContain(`'${app}:${port}'`);
    for (const published of services[app].ports ?? []) {
      const { port: target, protocol } = containerPort(published);
      if (protocol === 'tcp' && target !== port) expect(app === 'hunter' && target === Number(environmentOf(app).HUNTER_BT_PORT)).toBe(true);
    }
  });

  it('publishes the API, the peer port and the dashboards on distinct host ports', () => {
    const published = Object.values(services).flatMap((service) =>
      (service.ports ?? []).map((spec) => {
        const { host, protocol } = containerPort(spec);
        return `${host.split(':').at(-1)}/${protocol}`;
      }),
    );
    expect(new Set(published).size).toBe(published.length);
    expect(services.gateway.ports).toContain('3000:3000');
    expect(services.hunter.ports).toEqual(expect.arrayContaining(['6881:6881/tcp', '6881:6881/udp']));
  });

  it('migrates once, with the gateway image’s `migrate`, before any service starts', () => {
    expect(services.migrate.image).toBe(services.gateway.image);
    expect(services.migrate.command).toEqual(['node', 'main.js', 'migrate']);
    expect(services.migrate.restart).toBe('no');
    expect(schemaOf('migrate').safeParse(environmentOf('migrate')).error?.issues ?? []).toEqual([]);
    expect(dependencies(services.migrate)).toEqual({ postgres: 'service_healthy' });
    for (const app of APPS) expect(dependencies(services[app]).migrate).toBe('service_completed_successfully');
  });

  it('depends only on defined services, and waits for health only where there is a healthcheck', () => {
    const conditions = ['service_started', 'service_healthy', 'service_completed_successfully'];
    // The Sokoul images carry their own HEALTHCHECK (docker/Dockerfile).
    const dockerfile = readFileSync(join(DOCKER, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n\s+CMD \["node", "\/usr\/local\/lib\/sokoul\/healthcheck\.js"\]/m);
    const healthy = (name: string) => (APPS as readonly string[]).includes(name) || (services[name].healthcheck?.test !== undefined && !services[name].healthcheck?.disable);
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, condition] of Object.entries(dependencies(service))) {
        expect({ name, dependency, defined: dependency in services }).toEqual({ name, dependency, defined: true });
        expect(conditions).toContain(condition);
        if (condition === 'service_healthy') expect({ name, dependency, healthy: healthy(dependency) }).toEqual({ name, dependency, healthy: true });
      }
    }
    for (const name of ['postgres', 'redis', 'nats']) expect(services[name].healthcheck?.test).toBeDefined();
  });

  it('lets the sentinel start while Postgres or Redis is down (it watches them)', () => {
    expect(Object.keys(dependencies(services.sentinel))).not.toContain('postgres');
    expect(Object.keys(dependencies(services.sentinel))).not.toContain('redis');
  });

  it('runs NATS with JetStream, its store on a volume', () => {
    const command = [services.nats.command].flat() as string[];
    expect(command).toContain('-js');
    const store = command[command.indexOf('-sd') + 1];
    expect(services.nats.volumes?.map(mountOf).some((mount) => mount.named && mount.target === store)).toBe(true);
  });

  it('declares every named volume it mounts, and every bind-mounted file exists under docker/', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const [name, service] of Object.entries(services)) {
      for (const mount of (service.volumes ?? []).map(mountOf)) {
        if (mount.named) expect({ name, volume: mount.source, declared: declared.includes(mount.source) }).toEqual({ name, volume: mount.source, declared: true });
        else expect({ name, path: mount.source, exists: existsSync(join(DOCKER, mount.source)) }).toEqual({ name, path: mount.source, exists: true });
      }
    }
  });

  it('keeps downloads and library on one volume the hunter writes and the gateway and sentinel read', () => {
    const volumeHolding = (app: App, path: string) =>
      (services[app].volumes ?? []).map(mountOf).find((mount) => mount.named && (path === mount.target || path.startsWith(`${mount.target}/`)));
    const hunter = environmentOf('hunter');
    const downloads = volumeHolding('hunter', posix.resolve('/app', hunter.HUNTER_DOWNLOAD_DIR));
    const library = volumeHolding('hunter', posix.resolve('/app', hunter.HUNTER_LIBRARY_DIR));
    expect(downloads).toBeDefined();
    expect(library?.source).toBe(downloads?.source); // hard links, not copies
    expect(library?.readOnly).toBe(false);
    const gatewayLibrary = volumeHolding('gateway', posix.resolve('/app', environmentOf('gateway').GATEWAY_LIBRARY_DIR));
    expect(gatewayLibrary?.source).toBe(library?.source);
    const sentinel = schemaOf('sentinel').parse(environmentOf('sentinel')) as { SENTINEL_DISK_PATHS: { name: string; path: string }[] };
    for (const { path } of sentinel.SENTINEL_DISK_PATHS) expect(volumeHolding('sentinel', posix.resolve('/app', path))?.source).toBe(library?.source);
  });

  it('sets the same data folders as the images do by default', () => {
    const dockerfile = readFileSync(join(DOCKER, 'Dockerfile'), 'utf8');
    for (const app of APPS) {
      // The ENV lines of the service's own stage, up to the next FROM.
      const stage = new RegExp(`^FROM runtime AS ${app}\\n([\\s\\S]*?)(?=^FROM |$(?![\\s\\S]))`, 'm').exec(dockerfile)?.[1] ?? '';
      const imageEnv = Object.fromEntries(
        [...stage.replace(/\\\n\s*/g, ' ').matchAll(/^ENV (.+)$/gm)].flatMap((line) => line[1].trim().split(/\s+/).map((pair) => pair.split(/=(.*)/s).slice(0, 2))),
      );
      const env = environmentOf(app);
      for (const [name, value] of Object.entries(imageEnv)) expect({ app, name, value: env[name] }).toEqual({ app, name, value });
    }
    expect(dockerfile).toMatch(/^ENV HUNTER_DOWNLOAD_DIR=\/data\/downloads/m);
  });

  it('gives Prometheus and Grafana the configuration of docker/prometheus and docker/grafana', () => {
    const targets = (name: string) => (services[name].volumes ?? []).map(mountOf).map((mount) => `${mount.source} → ${mount.target}`);
    expect(targets('prometheus')).toEqual(
      expect.arrayContaining(['./prometheus/prometheus.yml → /etc/prometheus/prometheus.yml', './prometheus/alerts.yml → /etc/prometheus/alerts.yml']),
    );
    expect(targets('grafana')).toEqual(
      expect.arrayContaining(['./grafana/provisioning → /etc/grafana/provisioning', './grafana/dashboards → /var/lib/grafana/dashboards']),
    );
    // Grafana's datasource reaches Prometheus by its compose name.
    const datasource = readFileSync(join(DOCKER, 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8');
    const url = new URL(/url:\s*(\S+)/.exec(datasource)?.[1] ?? '');
    expect(url.hostname in services).toBe(true);
    expect(url.host).toBe('prometheus:9090');
  });
});
