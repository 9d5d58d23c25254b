import { join } from 'node:path';
import * as ts from 'typescript';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import type { KubeObject } from './kustomize';

/**
 * The kinds deploy/k8s uses, by apiVersion and kind, with their kubernetes-models class (the
 * Kubernetes 1.33 OpenAPI schemas, compiled for ajv). A kind missing here fails the spec: add it.
 */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

export const describeObject = (object: KubeObject) => `${object.kind}/${object.metadata?.name}`;

/**
 * The schema's verdict on one object: types, required fields, enums, formats (quantities,
 * int-or-string). An empty list when it is valid. The schemas let unknown fields through, as the
 * API server's non-strict mode does: `unknownFields` catches those.
 */
export function schemaErrors(object: KubeObject): string[] {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return [`${describeObject(object)}: no schema for ${object.apiVersion} ${object.kind} (add it to tools/k8s/kube-schemas.ts)`];
  try {
    new Model(object as never).validate();
    return [];
  } catch (error) {
    return [`${describeObject(object)}: ${(error as Error).message}`];
  }
}

/**
 * Fields the Kubernetes API does not know (a misspelt `readinesProbe`, `fsGroup` on a container),
 * which the JSON schemas accept and the API server drops with a mere warning. Each object is
 * type-checked as an object literal of the model's TypeScript interface: an excess property is a
 * compile error. One program for all the objects given.
 */
export function unknownFields(objects: KubeObject[]): string[] {
  const sources = new Map<string, { object: KubeObject; text: string }>();
  objects.forEach((object, index) => {
    const module = `kubernetes-models/${object.apiVersion}/${object.kind}`;
    const text = `import type { I${object.kind} } from '${module}';\nexport const manifest: I${object.kind} = ${JSON.stringify(object, null, 2)};\n`;
    sources.set(join(__dirname, `.manifest-${index}.ts`), { object, text });
  });

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (fileName) => sources.has(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => sources.get(fileName)?.text ?? readFile.call(host, fileName);
  host.getSourceFile = (fileName, language, ...rest) => {
    const source = sources.get(fileName);
    return source ? ts.createSourceFile(fileName, source.text, language) : getSourceFile.call(host, fileName, language, ...rest);
  };
  const program = ts.createProgram([...sources.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).flatMap((diagnostic) => {
    const source = diagnostic.file && sources.get(diagnostic.file.fileName);
    return source ? [`${describeObject(source.object)}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`] : [];
  });
}
