import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, posix } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import type { z } from 'zod';
import { describeObject, schemaErrors, unknownFields } from './kube-schemas';
import { type KubeObject, renderWithKubectl, renderWithLoader } from './kustomize';
import { loadAppConfigSchemas, requiredVariables } from '@sokoul/testing';

const ROOT = join(__dirname, '..', '..');
const APPS = ['gateway', 'scout', 'hunter', 'oracle', 'sentinel'] as const;
type App = (typeof APPS)[number];
const PORT_VARIABLE: Record<App, string> = { gateway: 'GATEWAY_PORT', scout: 'SCOUT_PORT', hunter: 'HUNTER_PORT', oracle: 'ORACLE_PORT', sentinel: 'SENTINEL_PORT' };
/** Set in the manifests for the runtime, read by no config schema. */
const RUNTIME_VARIABLES = new Set(['NODE_OPTIONS', 'POD_IP']);
const POD_IP = '10.244.1.7';

/**
 * deploy/k8s copied to a temporary folder with the example overlay's secrets.env made from its
 * secrets.env.example, as an operator would (the real one is git-ignored; a local one is not
 * copied).
 */
function prepareTree(): string {
  const tree = mkdtempSync(join(tmpdir(), 'sokoul-k8s-'));
  cpSync(join(ROOT, 'deploy', 'k8s'), tree, { recursive: true, filter: (source) => basename(source) !== 'secrets.env' });
  const overlay = join(tree, 'overlays', 'example');
  writeFileSync(join(overlay, 'secrets.env'), readFileSync(join(overlay, 'secrets.env.example')));
  return tree;
}

const tree = prepareTree();
afterAll(() => rmSync(tree, { recursive: true, force: true }));

const kubectlInstalled = renderWithKubectl(join(tree, 'base')) !== undefined;
const renderers: { name: string; render: (dir: string) => KubeObject[] }[] = [
  { name: 'the in-test loader', render: renderWithLoader },
  ...(kubectlInstalled ? [{ name: 'kubectl kustomize', render: (dir: string) => renderWithKubectl(dir) ?? [] }] : []),
];

let schemaOf: (app: App | 'migrate') => z.ZodObject;
beforeAll(async () => {
  schemaOf = await loadAppConfigSchemas(APPS);
});

const find = <T>(objects: KubeObject[], kind: string, name: string): T => {
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!object) throw new Error(`no ${kind}/${name} among ${objects.map(describeObject).join(', ')}`);
  return object as unknown as T;
};
const ofKind = <T>(objects: KubeObject[], kind: string): T[] => objects.filter((o) => o.kind === kind) as unknown as T[];
const deploymentOf = (objects: KubeObject[], app: App) => find<IDeployment>(objects, 'Deployment', `sokoul-${app}`);
const podSpecOf = (workload: IDeployment | IJob): IPodSpec => workload.spec!.template.spec!;
const containerOf = (workload: IDeployment | IJob, name: string): IContainer => {
  const container = podSpecOf(workload).containers.find((c) => c.name === name);
  if (!container) throw new Error(`${workload.kind}/${workload.metadata?.name} has no container ${name}`);
  return container;
};
const workloads = (objects: KubeObject[]) => [...ofKind<IDeployment>(objects, 'Deployment'), ...ofKind<IJob>(objects, 'Job')];

/** A generated ConfigMap or Secret by the name a reference uses (kubectl adds a hash, the loader does not). */
function configData(objects: KubeObject[], kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> | undefined {
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!object) return undefined;
  if (kind === 'ConfigMap') return { ...(object as unknown as IConfigMap).data };
  const secret = object as unknown as ISecret;
  const decoded = Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]);
  return { ...Object.fromEntries(decoded), ...secret.stringData };
}

/**
 * The environment a container starts with, as the kubelet builds it: envFrom first, then env in
 * order with `$(VAR)` expanded from what came before; `problems` lists references to a missing
 * ConfigMap, Secret or key that are not optional (the pod would not start).
 */
function environmentOf(objects: KubeObject[], container: IContainer, secrets?: Record<string, string>) {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  const lookup = (kind: 'ConfigMap' | 'Secret', name: string) => (kind === 'Secret' && secrets ? secrets : configData(objects, kind, name));
  for (const source of container.envFrom ?? []) {
    const [kind, reference] = source.configMapRef ? (['ConfigMap', source.configMapRef] as const) : (['Secret', source.secretRef!] as const);
    const data = lookup(kind, reference.name!);
    if (data) Object.assign(env, data);
    else if (!reference.optional) problems.push(`envFrom ${kind} ${reference.name} does not exist`);
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (!from) {
      env[variable.name] = (variable.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
    } else if (from.secretKeyRef || from.configMapKeyRef) {
      const [kind, reference] = from.secretKeyRef ? (['Secret', from.secretKeyRef] as const) : (['ConfigMap', from.configMapKeyRef!] as const);
      const value = lookup(kind, reference.name!)?.[reference.key];
      if (value !== undefined) env[variable.name] = value;
      else if (!reference.optional) problems.push(`${variable.name}: ${kind} ${reference.name} has no key ${reference.key}`);
    } else if (from.fieldRef?.fieldPath === 'status.podIP') {
      env[variable.name] = POD_IP;
    } else {
      problems.push(`${variable.name}: a valueFrom this spec does not model`);
    }
  }
  return { env, problems };
}

/** The example secrets with each REPLACE_ME made a real value (48 characters, as openssl rand -base64 36 prints). */
const realSecrets = (secrets: Record<string, string>) => Object.fromEntries(Object.entries(secrets).map(([key, value]) => [key, value.replace(/REPLACE_ME/g, `${key.toLowerCase()}-`.padEnd(48, 'x'))]));

/** A Kubernetes quantity in MiB (memory) or cores (cpu). */
function quantity(value: string | number | undefined, unit: 'MiB' | 'cores'): number {
  if (value === undefined) return Number.NaN;
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/.exec(String(value));
  if (!match) throw new Error(`unexpected quantity ${value}`);
  const number = Number(match[1]);
  const factor = { m: 1 / 1000, Ki: 1 / 1024, Mi: 1, Gi: 1024 }[match[2] ?? ''] ?? (unit === 'MiB' ? 1 / (1024 * 1024) : 1);
  return number * factor;
}

const probePort = (probe: IProbe | undefined) => probe?.httpGet?.port;
const isLoopback = (url: string) => ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(new URL(url).hostname);
const releaseWorkflow = readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8');

/** The image's command, its ENTRYPOINT and CMD as docker/Dockerfile writes them (exec form). */
const imageCommand = (() => {
  const path = join(ROOT, 'docker', 'Dockerfile');
  if (!existsSync(path)) return undefined;
  const last = (instruction: string) => [...readFileSync(path, 'utf8').matchAll(new RegExp(`^${instruction}\\s+(\\[.*\\])\\s*$`, 'gm'))].pop()?.[1];
  return [last('ENTRYPOINT'), last('CMD')].flatMap((form) => (form ? (JSON.parse(form) as string[]) : []));
})();

describe.each(renderers)('deploy/k8s rendered by $name', ({ render }) => {
  let base: KubeObject[];
  let overlay: KubeObject[];
  let secrets: Record<string, string>;

  beforeAll(() => {
    base = render(join(tree, 'base'));
    overlay = render(join(tree, 'overlays', 'example'));
    secrets = configData(overlay, 'Secret', ofKind<ISecret>(overlay, 'Secret')[0]?.metadata?.name ?? 'sokoul-secrets') ?? {};
  });

  describe('against the Kubernetes API', () => {
    it('renders objects that are all valid against the Kubernetes 1.33 schemas', () => {
      expect(base.length).toBeGreaterThanOrEqual(11);
      expect([...base, ...overlay].flatMap(schemaErrors)).toEqual([]);
    });

    it('uses no field the Kubernetes API does not know', () => {
      expect(unknownFields([...base, ...overlay])).toEqual([]);
    });

    it("matches every selector to its pod template's labels", () => {
      for (const objects of [base, overlay]) {
        for (const deployment of ofKind<IDeployment>(objects, 'Deployment')) {
          expect(deployment.spec!.template.metadata?.labels).toMatchObject(deployment.spec!.selector.matchLabels!);
        }
      }
    });
  });

  describe('the services', () => {
    it('runs each service as one Deployment of its own image, named as the release workflow pushes it', () => {
      expect(releaseWorkflow).toContain('ghcr.io/${OWNER,,}/sokoul-${SERVICE}');
      for (const app of APPS) {
        expect(podSpecOf(deploymentOf(base, app)).containers.map((c) => [c.name, c.image])).toEqual([[app, `ghcr.io/OWNER/sokoul-${app}`]]);
        expect(containerOf(deploymentOf(overlay, app), app).image).toMatch(new RegExp(`^ghcr\\.io/[a-z0-9-]+/sokoul-${app}:\\d+\\.\\d+\\.\\d+$`));
      }
      expect(ofKind(overlay, 'Deployment')).toHaveLength(APPS.length);
    });

    it('probes liveness on /health/live, readiness on /health/ready and start-up on /health/*, on the http port', () => {
      for (const app of APPS) {
        const container = containerOf(deploymentOf(overlay, app), app);
        expect([container.livenessProbe?.httpGet?.path, container.readinessProbe?.httpGet?.path]).toEqual(['/health/live', '/health/ready']);
        expect(container.startupProbe?.httpGet?.path).toMatch(/^\/health\/(live|ready)$/);
        for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) expect(probePort(probe)).toBe('http');
        // /health/ready waits up to 3 s for each dependency.
        expect(container.readinessProbe?.timeoutSeconds).toBeGreaterThan(3);
      }
    });

    it("listens where the app listens: its default port on the container, the Service and the scrape annotation", () => {
      for (const app of APPS) {
        const deployment = deploymentOf(overlay, app);
        const container = containerOf(deployment, app);
        const config = schemaOf(app).parse(environmentOf(overlay, container, realSecrets(secrets)).env) as Record<string, unknown>;
        const port = schemaOf(app).shape[PORT_VARIABLE[app]].parse(undefined);
        expect({ app, configured: config[PORT_VARIABLE[app]] }).toEqual({ app, configured: port });
        expect(container.ports?.find((p) => p.name === 'http')?.containerPort).toBe(port);
        expect(deployment.spec!.template.metadata?.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' });
      }
      const hunter = containerOf(deploymentOf(overlay, 'hunter'), 'hunter');
      const { HUNTER_BT_PORT } = schemaOf('hunter').parse(environmentOf(overlay, hunter, realSecrets(secrets)).env) as { HUNTER_BT_PORT: number };
      expect(hunter.ports?.filter((p) => p.name?.startsWith('bt-')).map((p) => [p.containerPort, p.protocol])).toEqual([
        [HUNTER_BT_PORT, 'TCP'],
        [HUNTER_BT_PORT, 'UDP'],
      ]);
      const service = find<IService>(overlay, 'Service', 'sokoul-gateway');
      expect(deploymentOf(overlay, 'gateway').spec!.template.metadata?.labels).toMatchObject(service.spec!.selector!);
      expect(service.spec!.ports!.map((p) => p.targetPort)).toEqual(['http']);
    });

    it('gives every container CPU and memory requests within its limits, and a V8 heap well under the memory limit', () => {
      for (const workload of workloads(overlay)) {
        for (const container of podSpecOf(workload).containers) {
          const { requests, limits } = container.resources ?? {};
          const where = `${describeObject(workload as KubeObject)} ${container.name}`;
          for (const resource of ['cpu', 'memory'] as const) {
            const unit = resource === 'cpu' ? 'cores' : 'MiB';
            expect({ where, resource, requestWithinLimit: quantity(requests?.[resource], unit) <= quantity(limits?.[resource], unit) }).toEqual({ where, resource, requestWithinLimit: true });
          }
          const heap = Number(/--max-old-space-size=(\d+)/.exec(container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '')?.[1]);
          expect({ where, heapUnder80PercentOfLimit: heap <= 0.8 * quantity(limits?.memory, 'MiB') }).toEqual({ where, heapUnder80PercentOfLimit: true });
        }
      }
    });

    it('gives pods a termination grace period above the preStop pause plus NATS_DRAIN_TIMEOUT_MS', () => {
      for (const app of APPS) {
        const deployment = deploymentOf(overlay, app);
        const container = containerOf(deployment, app);
        const config = schemaOf(app).parse(environmentOf(overlay, container, realSecrets(secrets)).env) as { NATS_DRAIN_TIMEOUT_MS: number };
        const preStopSeconds = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
        const graceSeconds = podSpecOf(deployment).terminationGracePeriodSeconds ?? 30;
        // Five seconds for HTTP and the connections to close after the drain.
        expect(graceSeconds).toBeGreaterThanOrEqual(preStopSeconds + config.NATS_DRAIN_TIMEOUT_MS / 1000 + 5);
      }
    });
  });

  describe('security', () => {
    it('runs every container as uid 10001, non-root, read-only, without privilege escalation or capabilities (restricted Pod Security Standard)', () => {
      for (const workload of workloads(overlay)) {
        const pod = podSpecOf(workload);
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
        expect([pod.hostNetwork, pod.hostPID, pod.hostIPC]).toEqual([undefined, undefined, undefined]);
        expect(pod.volumes?.filter((v) => !v.emptyDir && !v.persistentVolumeClaim && !v.configMap && !v.secret)).toEqual([]);
        for (const container of pod.containers) {
          expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
          expect(container.ports?.filter((p) => p.hostPort !== undefined) ?? []).toEqual([]);
          // A read-only root: /tmp is an emptyDir.
          const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
          expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
        }
      }
    });

    it('turns off service links, which would set GATEWAY_PORT=tcp://… for a Service named gateway, and the API token nobody uses', () => {
      for (const workload of workloads(overlay)) {
        expect(podSpecOf(workload)).toMatchObject({ enableServiceLinks: false, automountServiceAccountToken: false });
      }
    });
  });

  describe('configuration', () => {
    it('provides every variable an app requires without a default, from the ConfigMap or the Secret', () => {
      // The two keys today (the oracle requires nothing); whatever an app adds is checked too.
      expect(new Set(APPS.flatMap((app) => requiredVariables(schemaOf(app))))).toEqual(new Set(['AUTH_JWT_SECRET', 'SECRETS_ENCRYPTION_KEY']));
      for (const app of APPS) {
        const required = requiredVariables(schemaOf(app));
        const { env, problems } = environmentOf(overlay, containerOf(deploymentOf(overlay, app), app), secrets);
        expect({ app, problems, missing: required.filter((name) => env[name] === undefined) }).toEqual({ app, problems: [], missing: [] });
      }
    });

    it("gives each app an environment its config schema accepts once the secrets are real, with Postgres, NATS and Redis off loopback", () => {
      for (const app of APPS) {
        const { env } = environmentOf(overlay, containerOf(deploymentOf(overlay, app), app), realSecrets(secrets));
        const result = schemaOf(app).safeParse(env);
        expect({ app, issues: result.error?.issues ?? [] }).toEqual({ app, issues: [] });
        const config = result.data as Record<string, unknown>;
        const urls = ['DATABASE_URL', 'NATS_URL', 'REDIS_URL'].filter((key) => typeof config[key] === 'string');
        expect({ app, loopback: urls.filter((key) => isLoopback(config[key] as string)) }).toEqual({ app, loopback: [] });
      }
    });

    it('keeps the example secrets unusable: a service started with the placeholders stops, naming them', () => {
      const { env } = environmentOf(overlay, containerOf(deploymentOf(overlay, 'gateway'), 'gateway'), secrets);
      const refused = schemaOf('gateway').safeParse(env).error?.issues.map((issue) => issue.path.join('.'));
      expect(refused).toEqual(expect.arrayContaining(['AUTH_JWT_SECRET', 'SECRETS_ENCRYPTION_KEY']));
    });

    it('sets only variables the apps read: no misspelt name is silently ignored', () => {
      const known = new Set(APPS.flatMap((app) => Object.keys(schemaOf(app).shape)));
      const configMap = ofKind<IConfigMap>(overlay, 'ConfigMap')[0];
      expect(Object.keys(configMap.data ?? {}).filter((key) => !known.has(key))).toEqual([]);
      expect(Object.keys(secrets).filter((key) => !known.has(key))).toEqual([]);
      for (const app of APPS) {
        const names = (containerOf(deploymentOf(overlay, app), app).env ?? []).map((e) => e.name);
        expect({ app, unknown: names.filter((name) => !RUNTIME_VARIABLES.has(name) && !(name in schemaOf(app).shape)) }).toEqual({ app, unknown: [] });
      }
    });

    it('advertises each hunter at its own pod address for the gateways to stream from', () => {
      const { env } = environmentOf(overlay, containerOf(deploymentOf(overlay, 'hunter'), 'hunter'), realSecrets(secrets));
      expect(env['HUNTER_ADVERTISED_URL']).toBe(`http://${POD_IP}:3002`);
    });
  });

  describe('storage', () => {
    it('puts downloads and the library on one volume the hunter writes and the gateway and the sentinel read', () => {
      const mountOf = (app: App, path: string) => {
        const deployment = deploymentOf(overlay, app);
        const mount = containerOf(deployment, app).volumeMounts?.find((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`));
        const volume = podSpecOf(deployment).volumes?.find((v) => v.name === mount?.name);
        return { claim: volume?.persistentVolumeClaim?.claimName, readOnly: mount?.readOnly ?? false, mountPath: mount?.mountPath };
      };
      const configOf = (app: App) => schemaOf(app).parse(environmentOf(overlay, containerOf(deploymentOf(overlay, app), app), realSecrets(secrets)).env) as Record<string, unknown>;
      const hunter = configOf('hunter') as { HUNTER_DOWNLOAD_DIR: string; HUNTER_LIBRARY_DIR: string };
      const gateway = configOf('gateway') as { GATEWAY_LIBRARY_DIR: string };
      const sentinel = configOf('sentinel') as { SENTINEL_DISK_PATHS: { name: string; path: string }[] };

      const downloads = mountOf('hunter', hunter.HUNTER_DOWNLOAD_DIR);
      expect(downloads).toMatchObject({ claim: 'sokoul-media', readOnly: false });
      // One mount, so one file system: completed files are hard links, not copies.
      expect(mountOf('hunter', hunter.HUNTER_LIBRARY_DIR)).toEqual(downloads);
      expect(gateway.GATEWAY_LIBRARY_DIR).toBe(hunter.HUNTER_LIBRARY_DIR);
      expect(mountOf('gateway', gateway.GATEWAY_LIBRARY_DIR)).toEqual({ ...downloads, readOnly: true });
      expect(sentinel.SENTINEL_DISK_PATHS.map(({ path }) => path).sort()).toEqual([hunter.HUNTER_DOWNLOAD_DIR, hunter.HUNTER_LIBRARY_DIR].sort());
      for (const { path } of sentinel.SENTINEL_DISK_PATHS) expect(mountOf('sentinel', path)).toEqual({ ...downloads, readOnly: true });
      for (const path of [hunter.HUNTER_DOWNLOAD_DIR, hunter.HUNTER_LIBRARY_DIR]) expect(posix.isAbsolute(path)).toBe(true);

      const claim = find<KubeObject & { spec: { accessModes: string[] } }>(overlay, 'PersistentVolumeClaim', 'sokoul-media');
      expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
    });
  });

  describe('scaling', () => {
    it('autoscales the scout and the oracle on CPU, targeting Deployments that leave their replica count to the autoscaler', () => {
      const autoscalers = ofKind<IHorizontalPodAutoscaler>(overlay, 'HorizontalPodAutoscaler');
      expect(autoscalers.map((h) => h.spec!.scaleTargetRef.name).sort()).toEqual(['sokoul-oracle', 'sokoul-scout']);
      for (const autoscaler of autoscalers) {
        const { scaleTargetRef, minReplicas, maxReplicas, metrics } = autoscaler.spec!;
        expect(scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: scaleTargetRef.name });
        const target = find<IDeployment>(overlay, 'Deployment', scaleTargetRef.name);
        expect(target.spec!.replicas).toBeUndefined();
        expect(minReplicas).toBeLessThanOrEqual(maxReplicas);
        expect(metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } } }]);
        // Utilization is measured against the CPU request: every container needs one.
        for (const container of podSpecOf(target).containers) expect(container.resources?.requests?.['cpu']).toBeDefined();
      }
    });

    it('keeps the hunter at a fixed count: its load is held downloads, not CPU, and a removed pod hands them back', () => {
      expect(deploymentOf(overlay, 'hunter').spec!.replicas).toBe(2);
      expect(deploymentOf(overlay, 'hunter').spec!.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    });

    it('runs one sentinel, never two at once', () => {
      const sentinel = deploymentOf(overlay, 'sentinel');
      expect([sentinel.spec!.replicas, sentinel.spec!.strategy?.type]).toEqual([1, 'Recreate']);
    });

    it('lets node drains take one gateway at a time', () => {
      const budget = find<IPodDisruptionBudget>(overlay, 'PodDisruptionBudget', 'sokoul-gateway');
      const gateway = deploymentOf(overlay, 'gateway');
      expect(budget.spec!.maxUnavailable).toBe(1);
      expect(gateway.spec!.template.metadata?.labels).toMatchObject(budget.spec!.selector!.matchLabels!);
      expect(gateway.spec!.replicas).toBeGreaterThan(1);
    });
  });

  describe('migrations', () => {
    it("runs `migrate` once, from the gateway's image, with the database settings and no API secret", () => {
      const job = find<IJob>(overlay, 'Job', 'sokoul-migrate');
      const container = containerOf(job, 'migrate');
      expect(container.args).toEqual(['migrate']);
      // What the image runs (its CMD, which `args` alone would replace), then `migrate`.
      expect(container.command).toEqual(imageCommand ?? ['node', 'main.js']);
      expect(container.image).toBe(containerOf(deploymentOf(overlay, 'gateway'), 'gateway').image);
      expect(podSpecOf(job).restartPolicy).toBe('Never');
      expect(job.spec!.parallelism ?? 1).toBe(1);

      const { env, problems } = environmentOf(overlay, container, realSecrets(secrets));
      expect(problems).toEqual([]);
      expect(Object.keys(env).filter((name) => !RUNTIME_VARIABLES.has(name) && !(name in schemaOf('migrate').shape))).toEqual([]);
      const config = schemaOf('migrate').parse(env) as { DATABASE_URL: string };
      expect(isLoopback(config.DATABASE_URL)).toBe(false);
    });

    it('can run first: the namespace, config and migration objects of the first deploy step hold all the Job needs', () => {
      const firstStep = overlay.filter((o) => ['namespace', 'config', 'migration'].includes(o.metadata.labels?.['app.kubernetes.io/component'] ?? ''));
      expect(firstStep.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Job', 'Namespace', 'Secret']);
      const job = find<IJob>(firstStep, 'Job', 'sokoul-migrate');
      expect(environmentOf(firstStep, containerOf(job, 'migrate')).problems).toEqual([]);
    });
  });

  describe('base and overlay', () => {
    it('keeps the base namespace-agnostic and free of secrets', () => {
      expect(base.filter((o) => o.metadata.namespace !== undefined).map(describeObject)).toEqual([]);
      expect(ofKind(base, 'Secret')).toEqual([]);
    });

    it("places every object of the overlay in its namespace, which enforces the restricted Pod Security Standard", () => {
      const [namespace] = ofKind<KubeObject>(overlay, 'Namespace');
      expect(namespace.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
      expect(overlay.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== namespace.metadata.name).map(describeObject)).toEqual([]);
    });
  });
});

if (kubectlInstalled) {
  it('the in-test loader renders what kubectl kustomize renders (less the name hashes)', () => {
    for (const dir of ['base', join('overlays', 'example')]) {
      expect(normalise(renderWithLoader(join(tree, dir)))).toEqual(normalise(renderWithKubectl(join(tree, dir)) ?? []));
    }
  });
}

/** Sorted by kind and name, generated names without kustomize's hash, secrets decoded. */
function normalise(objects: KubeObject[]): unknown[] {
  const hashed = new Map<string, string>();
  for (const object of objects) {
    const match = /^(.+)-[a-z0-9]{10}$/.exec(object.metadata.name);
    if (match && (object.kind === 'ConfigMap' || object.kind === 'Secret')) hashed.set(object.metadata.name, match[1]);
  }
  const strip = (value: unknown): unknown => {
    if (typeof value === 'string') return hashed.get(value) ?? value;
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, strip(inner)]));
    return value;
  };
  return objects
    .map((object) => {
      const copy = strip(object) as KubeObject;
      if (copy.kind === 'Secret') copy['data'] = configData([copy], 'Secret', copy.metadata.name);
      return copy;
    })
    .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
}

describe('the checks themselves', () => {
  const deployment = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'broken' },
    spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'x', image: 'x' }] } }, ...spec },
  });

  it('the schema check refuses what the API server refuses', () => {
    expect(schemaErrors(deployment({}))).toEqual([]);
    expect(schemaErrors(deployment({ replicas: '2' }))).toEqual([expect.stringContaining('replicas must be integer')]);
    expect(schemaErrors(deployment({ template: { spec: { containers: [{ image: 'x' }] } } }))).toEqual([expect.stringContaining('must have required property name')]);
    expect(schemaErrors({ apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'old' } })).toEqual([expect.stringContaining('no schema')]);
  });

  it('the unknown-field check finds a misspelt probe and a pod-level field on a container', () => {
    const misspelt = deployment({ template: { spec: { containers: [{ name: 'x', image: 'x', readinesProbe: {} }] } } });
    const misplaced = deployment({ template: { spec: { containers: [{ name: 'x', image: 'x', securityContext: { fsGroup: 10001 } }] } } });
    const errors = unknownFields([deployment({}), misspelt, misplaced]);
    expect(errors).toEqual([
      expect.stringMatching(/^Deployment\/broken: .*readinesProbe.* does not exist in type 'IContainer'/),
      expect.stringMatching(/^Deployment\/broken: .*fsGroup.* does not exist in type 'ISecurityContext'/),
    ]);
  });

  describe('the in-test loader', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'sokoul-kustomize-'));
      mkdirSync(join(dir, 'base'));
      mkdirSync(join(dir, 'overlay'));
      writeFileSync(join(dir, 'base', 'app.yaml'), `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/OWNER/app\n`);
      writeFileSync(join(dir, 'base', 'app.env'), '# settings\nA=1\nB=two=2\n');
      writeFileSync(
        join(dir, 'base', 'kustomization.yaml'),
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [app.yaml]\nconfigMapGenerator:\n  - name: config\n    envs: [app.env]\n',
      );
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('applies bases, merged generators, secrets, JSON patches, images, replicas and the namespace as kustomize does', () => {
      writeFileSync(
        join(dir, 'overlay', 'kustomization.yaml'),
        [
          'apiVersion: kustomize.config.k8s.io/v1beta1',
          'kind: Kustomization',
          'namespace: prod',
          'resources: [../base]',
          'configMapGenerator:',
          '  - { name: config, behavior: merge, literals: [A=3, C=4] }',
          'secretGenerator:',
          '  - { name: keys, literals: [K=v], options: { labels: { tier: config } } }',
          'images:',
          '  - { name: ghcr.io/OWNER/app, newName: ghcr.io/acme/app, newTag: 1.2.3 }',
          'replicas:',
          '  - { name: app, count: 3 }',
          'patches:',
          '  - target: { kind: Deployment, name: app }',
          '    patch: "[{op: add, path: /spec/paused, value: true}]"',
        ].join('\n'),
      );
      const objects = renderWithLoader(join(dir, 'overlay'));
      expect(objects).toEqual([
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'app', namespace: 'prod' },
          spec: { replicas: 3, paused: true, template: { spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/app:1.2.3' }] } } },
        },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config', namespace: 'prod' }, data: { A: '3', B: 'two=2', C: '4' } },
        { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'keys', namespace: 'prod', labels: { tier: 'config' } }, data: { K: 'dg==' } },
      ]);
    });

    it('refuses a kustomization feature it does not implement rather than ignoring it', () => {
      writeFileSync(join(dir, 'overlay', 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\ncommonLabels: { a: b }\n');
      expect(() => renderWithLoader(join(dir, 'overlay'))).toThrow(/does not support commonLabels/);
    });
  });
});
