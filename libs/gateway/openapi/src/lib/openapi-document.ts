import { type INestApplication, HttpStatus, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from '@sokoul/gateway/access';
import {
  API_OPERATION,
  API_PREFIX,
  type ApiOperationOptions,
  IdempotencyInterceptor,
  JSON_BODY_LIMIT,
  UNPREFIXED_ROUTES,
  ZodValidationPipe,
} from '@sokoul/gateway/http';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
  [key: string]: unknown;
}

const HTTP_VERBS: Partial<Record<RequestMethod, string>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.DELETE]: 'delete',
};
const VERB_ORDER = ['get', 'post', 'put', 'patch', 'delete'];

const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details.',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri', examples: ['https://sokoul.dev/problems/validation'] },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      description: 'Field-level validation failures; `pointer` is a JSON pointer into the request.',
      items: { type: 'object', required: ['pointer', 'detail'], properties: { pointer: { type: 'string' }, detail: { type: 'string' } } },
    },
  },
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request did not validate (unknown fields included); `errors` lists each field.',
  401: 'No valid access token or API key.',
  403: 'Authenticated, but not allowed (role, API key scope or account state).',
  404: 'No such object, or not yours.',
  409: 'Conflicts with the current state.',
  413: `The body is larger than ${JSON_BODY_LIMIT}.`,
  415: 'The body is not JSON.',
  422: 'Understood but refused (e.g. an indexer refused its API key).',
  429: 'Rate limit reached; retry after `Retry-After` seconds.',
  502: 'An upstream service (an indexer, TMDB) failed or could not be reached.',
  503: 'A dependency is unavailable; retry (after `Retry-After` when given).',
};

const DESCRIPTION = `The public API of Sokoul, a self-hosted media-automation platform.

Authenticate with a short-lived access token from \`POST /api/v1/auth/login\`
(\`Authorization: Bearer <token>\`), or with an API key (\`X-Api-Key\`) for automation. Errors are
\`application/problem+json\` (RFC 9457). Lists page with an opaque \`cursor\` (\`nextCursor\` of the
previous page). POSTs that create something honour \`Idempotency-Key\`.

Live events come over the WebSocket \`/ws\`: send \`{"type":"auth","token":"<access token>"}\` as
the first frame within 5 s; events about your own objects (all objects, for admins) follow as
\`{"type", "id", "occurredAt", "data"}\` frames.`;

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function joinPath(...parts: string[]): string {
  const joined = parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .map((segment) => (segment.startsWith(':') ? `{${segment.slice(1)}}` : segment))
    .join('/');
  return `/${joined}`;
}

function firstPath(value: unknown): string {
  return Array.isArray(value) ? String(value[0] ?? '') : String(value ?? '');
}

interface RouteInput {
  type: RouteParamtypes;
  name?: string;
  schema: z.ZodType;
}

/** The zod schemas a route validates its body, query and path parameters with. */
function routeInputs(controller: object, method: string): RouteInput[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { data?: unknown; pipes?: unknown[] }>;
  const inputs: RouteInput[] = [];
  for (const [key, arg] of Object.entries(args)) {
    const type = Number(key.split(':')[0]) as RouteParamtypes;
    const pipe = (arg.pipes ?? []).find((p): p is ZodValidationPipe<z.ZodType> => p instanceof ZodValidationPipe);
    if (pipe) inputs.push({ type, name: typeof arg.data === 'string' ? arg.data : undefined, schema: pipe.schema });
  }
  return inputs;
}

function queryParameters(schema: z.ZodType): Operation[] {
  const json = toJsonSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({ name, in: 'query', required: required.has(name), schema: property }));
}

function errorResponses(statuses: Iterable<number>): Record<string, Operation> {
  const responses: Record<string, Operation> = {};
  for (const status of [...new Set(statuses)].sort()) {
    responses[String(status)] = { $ref: `#/components/responses/Problem${status}` };
  }
  return responses;
}

function describeRoute(controller: { name: string; prototype: object }, method: string, verb: string, path: string): Operation {
  const handler = (controller.prototype as Record<string, object>)[method];
  const options = Reflect.getMetadata(API_OPERATION, handler) as ApiOperationOptions | undefined;
  if (!options) throw new Error(`${controller.name}.${method} (${verb.toUpperCase()} ${path}) has no @ApiOperation: every API route is documented`);
  const isPublic = Boolean(Reflect.getMetadata(PUBLIC_ROUTE, handler) ?? Reflect.getMetadata(PUBLIC_ROUTE, controller));
  const role = (Reflect.getMetadata(REQUIRED_ROLE, handler) ?? Reflect.getMetadata(REQUIRED_ROLE, controller)) as string | undefined;
  const interceptors = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[];
  const inputs = routeInputs(controller, method);
  const defaultStatus = verb === 'post' ? HttpStatus.CREATED : HttpStatus.OK;
  const status = (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? defaultStatus;

  const parameters: Operation[] = [];
  for (const input of inputs) {
    if (input.type === RouteParamtypes.PARAM && input.name) {
      parameters.push({ name: input.name, in: 'path', required: true, schema: toJsonSchema(input.schema, 'input') });
    }
    if (input.type === RouteParamtypes.QUERY) parameters.push(...queryParameters(input.schema));
  }
  if (interceptors.includes(IdempotencyInterceptor)) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Repeating a request with the same key replays the first answer instead of acting twice.',
      schema: { type: 'string', maxLength: 200 },
    });
  }
  const body = inputs.find((i) => i.type === RouteParamtypes.BODY);

  const errors = [429, ...(options.errors ?? [])];
  if (inputs.length > 0) errors.push(400);
  if (body) errors.push(413, 415);
  if (!isPublic) errors.push(401);
  if (!isPublic && (role || verb !== 'get')) errors.push(403);
  if (path.includes('{')) errors.push(404);

  const success: Operation =
    status === HttpStatus.NO_CONTENT
      ? { description: 'Done; no content.' }
      : {
          description: options.description ?? options.summary,
          ...(options.response ? { content: { 'application/json': { schema: toJsonSchema(options.response, 'output') } } } : {}),
        };

  const tag = controller.name.replace(/Controller$/, '');
  return {
    operationId: `${tag.charAt(0).toLowerCase()}${tag.slice(1)}${method.charAt(0).toUpperCase()}${method.slice(1)}`,
    summary: options.summary,
    ...(role ? { description: `Requires the ${role} role (or an API key with the ${role} scope).` } : {}),
    tags: [tag],
    ...(isPublic ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(body.schema, 'input') } } } } : {}),
    responses: { [String(status)]: success, ...errorResponses(errors) },
  };
}

/**
 * The OpenAPI 3.1 document of every route under the API prefix, read from the application
 * itself: paths and verbs from Nest's routing metadata, inputs from the routes' zod pipes,
 * outputs and summaries from `@ApiOperation`, security from the access decorators. A route
 * without `@ApiOperation` is an error, so nothing ships undocumented.
 */
export function buildOpenApiDocument(app: INestApplication): OpenApiDocument {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as { name: string; prototype: object } | null;
      if (!controller) continue;
      const base = firstPath(Reflect.getMetadata(PATH_METADATA, controller));
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[method];
        if (method === 'constructor' || typeof handler !== 'function') continue;
        const verb = HTTP_VERBS[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        if (!verb || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const routePath = joinPath(base, firstPath(Reflect.getMetadata(PATH_METADATA, handler)));
        // Probes and metrics are for orchestrators and Prometheus, not API clients.
        if (UNPREFIXED_ROUTES.some((route) => joinPath(route.path) === routePath)) continue;
        const path = joinPath(API_PREFIX, routePath);
        paths[path] = { ...paths[path], [verb]: describeRoute(controller, method, verb, path) };
      }
    }
  }

  const sortedPaths: Record<string, Record<string, Operation>> = {};
  for (const path of Object.keys(paths).sort()) {
    sortedPaths[path] = Object.fromEntries(VERB_ORDER.filter((v) => paths[path][v]).map((v) => [v, paths[path][v]]));
  }

  const problemResponses = Object.fromEntries(
    Object.entries(ERROR_DESCRIPTIONS).map(([status, description]) => [
      `Problem${status}`,
      { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: { title: 'Sokoul API', version: 'v1', description: DESCRIPTION, license: { name: 'AGPL-3.0-only', identifier: 'AGPL-3.0-only' } },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { apiKey: [] }],
    paths: sortedPaths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from /api/v1/auth/login or /refresh.' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'A key from /api/v1/api-keys, within its scopes.' },
      },
      schemas: { Problem: PROBLEM_SCHEMA },
      responses: problemResponses,
    },
  };
}
