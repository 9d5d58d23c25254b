/**
 * The baseline of the gateway bench: a Nest application with one route and nothing else (no
 * guard, middleware, interceptor, filter or database), answering `GET /api/v1/searches/:id`
 * with a body shaped like the gateway's SearchDto. What it costs is what the framework and its
 * HTTP adapter cost; the gateway's own work is what the bench measures on top of it.
 *
 * Plain CommonJS run by `node`, not tsx: esbuild emits no decorator metadata, and a loader is
 * one more thing the gateway (a webpack bundle) does not have. The decorators are applied by
 * hand, which is all `@Controller()`/`@Get()`/`@Param()` do; the controller has no constructor
 * dependencies, so no metadata is needed.
 *
 *   node bare-server.js --port 4000 [--adapter express|fastify] [--modules-from DIR] [--database-url URL]
 *
 * `--modules-from` resolves Nest and the adapter from another directory (default: the current
 * one), so the Fastify baseline can come from a scratch install outside the repository.
 * `--database-url` makes the route read the search from Postgres first, with plain `pg` (a pool
 * of 10, the gateway's default) and one parameterized query: the least a route that reads the
 * search can cost, whatever framework or ORM is above it.
 * Prints `{"msg":"ready"}` once listening; SIGTERM closes the app and exits 0.
 */
'use strict';

const { createRequire } = require('node:module');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    adapter: { type: 'string', default: 'express' },
    'modules-from': { type: 'string', default: process.cwd() },
    'database-url': { type: 'string' },
  },
});
if (!values.port) throw new Error('--port is required');
if (values.adapter !== 'express' && values.adapter !== 'fastify') throw new Error('--adapter must be express or fastify');

const load = createRequire(join(resolve(values['modules-from']), 'package.json'));
load('reflect-metadata');
const { Controller, Get, Module, Param } = load('@nestjs/common');
const { NestFactory } = load('@nestjs/core');

const CREATED_AT = new Date('2026-11-24T10:00:00.000Z');
const FIXED_ROW = { id: '', query: 'bench', status: 'queued', release_count: 0, error: null, created_at: CREATED_AT, started_at: null, completed_at: null };

/** pg comes from the repository (next to this file), whatever `--modules-from` says. */
const pool = values['database-url'] ? new (require('pg').Pool)({ connectionString: values['database-url'], max: 10 }) : undefined;

async function findSearch(id) {
  if (!pool) return { ...FIXED_ROW, id };
  const { rows } = await pool.query('SELECT * FROM searches WHERE id = $1', [id]);
  return rows[0];
}

class SearchesController {
  async get(id) {
    const row = await findSearch(id);
    // Built per request, with the Dates serialised, as the gateway's toSearchDto does.
    return {
      id: row.id,
      query: row.query,
      status: row.status,
      releaseCount: row.release_count,
      error: row.error,
      createdAt: row.created_at.toISOString(),
      startedAt: row.started_at?.toISOString() ?? null,
      completedAt: row.completed_at?.toISOString() ?? null,
    };
  }
}
Controller('searches')(SearchesController);
Get(':id')(SearchesController.prototype, 'get', Object.getOwnPropertyDescriptor(SearchesController.prototype, 'get'));
Param('id')(SearchesController.prototype, 'get', 0);

class BareModule {}
Module({ controllers: [SearchesController] })(BareModule);

function httpAdapter() {
  if (values.adapter === 'fastify') {
    const { FastifyAdapter } = load('@nestjs/platform-fastify');
    return new FastifyAdapter();
  }
  const { ExpressAdapter } = load('@nestjs/platform-express');
  return new ExpressAdapter();
}

async function main() {
  const app = await NestFactory.create(BareModule, httpAdapter(), { logger: false });
  app.setGlobalPrefix('api/v1');
  await app.listen(Number(values.port), '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ msg: 'ready', adapter: values.adapter })}\n`);
  process.once('SIGTERM', () => {
    Promise.all([app.close(), pool?.end()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
