import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/** One rendered Kubernetes object, as kustomize prints it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/**
 * Renders a kustomization with `kubectl kustomize`; undefined when kubectl is not installed (CI
 * machines may lack it: the in-test loader below renders the same manifests then).
 */
export function renderWithKubectl(dir: string): KubeObject[] | undefined {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined;
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${run.stderr}`);
  const objects = documents(run.stdout, `kubectl kustomize ${dir}`);
  // kustomize prints long base64 values folded over lines; the API server's decoder skips the
  // line breaks, the schema's "byte" format does not.
  for (const secret of objects.filter((o) => o.kind === 'Secret')) {
    const data = (secret['data'] ?? {}) as Record<string, string>;
    for (const key of Object.keys(data)) data[key] = data[key].replace(/\s+/g, '');
  }
  return objects;
}

/**
 * A small kustomize for the features deploy/k8s uses, so the manifests are checked where kubectl
 * is missing: resources (files and directories), configMapGenerator and secretGenerator (envs,
 * literals; create, merge, replace; labels), JSON 6902 patches with a kind/name target, images,
 * replicas and namespace. Generated names get no content hash (kustomize's `-<hash>` suffix);
 * everything else matches `kubectl kustomize`, which the spec checks where kubectl is installed.
 * Any other kustomization field is refused rather than ignored.
 */
export function renderWithLoader(dir: string): KubeObject[] {
  const file = join(dir, 'kustomization.yaml');
  const kustomization = parse(readFileSync(file, 'utf8')) as Kustomization;
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED_FIELDS.has(key));
  if (kustomization.kind !== 'Kustomization' || unsupported.length > 0) {
    throw new Error(`${file}: the in-test loader does not support ${unsupported.join(', ') || `kind ${kustomization.kind}`}: extend tools/k8s/kustomize.ts`);
  }

  const objects: KubeObject[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = join(dir, resource);
    if (statSync(path).isDirectory()) objects.push(...renderWithLoader(path));
    else objects.push(...documents(readFileSync(path, 'utf8'), path));
  }
  const generatorLabels = kustomization.generatorOptions?.labels ?? {};
  for (const generator of kustomization.configMapGenerator ?? []) {
    generate(objects, 'ConfigMap', generator, dir, generatorLabels);
  }
  for (const generator of kustomization.secretGenerator ?? []) {
    generate(objects, 'Secret', generator, dir, generatorLabels);
  }
  for (const patch of kustomization.patches ?? []) applyPatch(objects, patch, file);
  for (const image of kustomization.images ?? []) setImage(objects, image);
  for (const { name, count } of kustomization.replicas ?? []) {
    const targets = objects.filter((o) => SCALABLE_KINDS.has(o.kind) && o.metadata.name === name);
    if (targets.length === 0) throw new Error(`${file}: replicas for ${name}, which is not a Deployment here`);
    for (const target of targets) (target['spec'] as Record<string, unknown>)['replicas'] = count;
  }
  if (kustomization.namespace) {
    for (const object of objects) {
      if (!CLUSTER_SCOPED_KINDS.has(object.kind)) object.metadata.namespace = kustomization.namespace;
    }
  }
  return objects;
}

interface Generator {
  name: string;
  behavior?: 'create' | 'merge' | 'replace';
  envs?: string[];
  literals?: string[];
  options?: { labels?: Record<string, string>; [option: string]: unknown };
  [field: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
  generatorOptions?: { labels?: Record<string, string> };
  patches?: { target?: { kind?: string; name?: string }; patch?: string; path?: string }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  replicas?: { name: string; count: number }[];
}

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'configMapGenerator', 'secretGenerator', 'generatorOptions', 'patches', 'images', 'replicas']);
const SCALABLE_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);
const CLUSTER_SCOPED_KINDS = new Set(['Namespace', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

function documents(text: string, source: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${source}: ${document.errors[0].message}`);
      return document.toJS() as KubeObject | null;
    })
    .filter((object): object is KubeObject => object !== null);
}

/** `KEY=value` lines; blank lines and `#` comments skipped, as kustomize reads an env file. */
function readEnvLines(lines: string[], source: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const line of lines.map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    if (equals <= 0) throw new Error(`${source}: expected KEY=value, got "${line}"`);
    data[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return data;
}

function generate(objects: KubeObject[], kind: 'ConfigMap' | 'Secret', generator: Generator, dir: string, generatorLabels: Record<string, string>) {
  const unsupported = Object.keys(generator).filter((key) => !['name', 'behavior', 'envs', 'literals', 'options'].includes(key));
  const unsupportedOptions = Object.keys(generator.options ?? {}).filter((key) => key !== 'labels');
  if (unsupported.length + unsupportedOptions.length > 0) {
    throw new Error(`${kind} generator ${generator.name}: the in-test loader does not support ${[...unsupported, ...unsupportedOptions].join(', ')}`);
  }
  let data: Record<string, string> = {};
  for (const env of generator.envs ?? []) {
    const path = join(dir, env);
    if (!existsSync(path)) throw new Error(`${kind} generator ${generator.name}: ${path} does not exist`);
    data = { ...data, ...readEnvLines(readFileSync(path, 'utf8').split('\n'), path) };
  }
  data = { ...data, ...readEnvLines(generator.literals ?? [], `${kind} generator ${generator.name}`) };
  if (kind === 'Secret') data = Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));

  const labels = { ...generatorLabels, ...generator.options?.labels };
  const behavior = generator.behavior ?? 'create';
  const existing = objects.find((o) => o.kind === kind && o.metadata.name === generator.name);
  if (behavior === 'create') {
    if (existing) throw new Error(`${kind} ${generator.name} exists already: use behavior merge or replace`);
    const object: KubeObject = { apiVersion: 'v1', kind, metadata: { name: generator.name }, data };
    if (Object.keys(labels).length > 0) object.metadata.labels = labels;
    if (kind === 'Secret') object['type'] = 'Opaque';
    objects.push(object);
    return;
  }
  if (!existing) throw new Error(`${kind} ${generator.name} to ${behavior} does not exist`);
  existing['data'] = behavior === 'merge' ? { ...(existing['data'] as Record<string, string>), ...data } : data;
  if (Object.keys(labels).length > 0) existing.metadata.labels = { ...existing.metadata.labels, ...labels };
}

function applyPatch(objects: KubeObject[], patch: NonNullable<Kustomization['patches']>[number], file: string) {
  if (!patch.target?.kind || !patch.target.name || patch.patch === undefined || patch.path !== undefined) {
    throw new Error(`${file}: the in-test loader applies only inline JSON 6902 patches with a kind and name target`);
  }
  const { kind, name } = patch.target;
  const operations = parse(patch.patch) as { op: string; path: string; value?: unknown }[];
  if (!Array.isArray(operations)) throw new Error(`${file}: the patch of ${kind}/${name} is not a JSON 6902 patch (a list of operations)`);
  const targets = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (targets.length === 0) throw new Error(`${file}: no ${kind}/${name} to patch`);
  for (const target of targets) {
    for (const { op, path, value } of operations) {
      const keys = path.split('/').slice(1).map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
      const last = keys.pop();
      if (last === undefined) throw new Error(`${file}: patch path "${path}"`);
      const parent = keys.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], target) as Record<string, unknown> | unknown[] | undefined;
      if (parent === undefined || parent === null || typeof parent !== 'object') throw new Error(`${file}: ${kind}/${name} has no ${path}`);
      if (Array.isArray(parent)) {
        const index = last === '-' ? parent.length : Number(last);
        if (op === 'add') parent.splice(index, 0, value);
        else if (op === 'replace' && index < parent.length) parent[index] = value;
        else if (op === 'remove' && index < parent.length) parent.splice(index, 1);
        else throw new Error(`${file}: cannot ${op} ${path} of ${kind}/${name}`);
      } else if (op === 'add' || (op === 'replace' && last in parent)) {
        parent[last] = value;
      } else if (op === 'remove' && last in parent) {
        delete parent[last];
      } else {
        throw new Error(`${file}: cannot ${op} ${path} of ${kind}/${name}`);
      }
    }
  }
}

/** name[:tag][@digest], the tag being after the last `/`. */
function splitImage(image: string): { name: string; tag?: string; digest?: string } {
  const [reference, digest] = image.split('@');
  const colon = reference.lastIndexOf(':');
  if (colon > reference.lastIndexOf('/')) return { name: reference.slice(0, colon), tag: reference.slice(colon + 1), digest };
  return { name: reference, digest };
}

function podSpecs(object: KubeObject): Record<string, unknown>[] {
  const spec = object['spec'] as Record<string, unknown> | undefined;
  const template = spec?.['template'] as { spec?: Record<string, unknown> } | undefined;
  const jobTemplate = spec?.['jobTemplate'] as { spec?: { template?: { spec?: Record<string, unknown> } } } | undefined;
  if (object.kind === 'Pod' && spec) return [spec];
  return [template?.spec, jobTemplate?.spec?.template?.spec].filter((s): s is Record<string, unknown> => s !== undefined);
}

function setImage(objects: KubeObject[], image: NonNullable<Kustomization['images']>[number]) {
  for (const podSpec of objects.flatMap(podSpecs)) {
    for (const container of [...((podSpec['initContainers'] ?? []) as { image: string }[]), ...((podSpec['containers'] ?? []) as { image: string }[])]) {
      const current = splitImage(container.image);
      if (current.name !== image.name) continue;
      const name = image.newName ?? current.name;
      const tag = image.newTag ?? current.tag;
      const digest = image.digest ?? (image.newTag ? undefined : current.digest);
      container.image = `${name}${tag && !image.digest ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
    }
  }
}
