import { Body, Controller, Delete, Get, HttpCode, Module, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Public, RequireRole } from '@sokoul/gateway/access';
import { ApiOperation, IdempotencyInterceptor, ZodValidationPipe } from '@sokoul/gateway/http';
import { IdempotencyKeyRepository } from '@sokoul/persistence';
import { z } from 'zod';
import { buildOpenApiDocument } from './openapi-document';

const noteSchema = z.object({ id: z.uuid(), text: z.string() });
const createNoteSchema = z.strictObject({ text: z.string().min(1).max(500) });
const listSchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().optional() });

@Controller('notes')
class NotesController {
  @Post()
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({ summary: 'Create a note', response: noteSchema })
  create(@Body(new ZodValidationPipe(createNoteSchema)) body: unknown) {
    return body;
  }

  @Get()
  @ApiOperation({ summary: 'List notes', response: z.array(noteSchema) })
  list(@Query(new ZodValidationPipe(listSchema)) query: unknown) {
    return query;
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Delete a note', errors: [409] })
  remove(@Param('id', new ZodValidationPipe(z.uuid())) id: string) {
    return id;
  }
}

@Controller('status')
@Public()
class StatusController {
  @Get()
  @ApiOperation({ summary: 'Status' })
  status() {
    return {};
  }
}

@Controller('health')
class ProbeController {
  @Get('live')
  live() {
    return {};
  }
}

@Controller('secret')
class UndocumentedController {
  @Get()
  hidden() {
    return {};
  }
}

async function documentOf(...controllers: Array<new () => unknown>) {
  // Preview mode instantiates nothing, but still checks that the interceptors' dependencies exist.
  @Module({ controllers, providers: [{ provide: IdempotencyKeyRepository, useValue: {} }] })
  class TestModule {}
  const app = await NestFactory.create(TestModule, { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

describe('buildOpenApiDocument', () => {
  it('reads paths, verbs and statuses from the routes, under the API prefix, probes left out', async () => {
    const doc = await documentOf(NotesController, StatusController, ProbeController);
    expect(Object.keys(doc.paths)).toEqual(['/api/v1/notes', '/api/v1/notes/{id}', '/api/v1/status']);
    expect(Object.keys(doc.paths['/api/v1/notes'])).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/v1/notes'].post.responses as object)).toContain('201');
    expect(doc.paths['/api/v1/notes/{id}'].delete.responses).toMatchObject({ '204': { description: 'Done; no content.' } });
  });

  it('documents inputs from the zod pipes: body, query parameters with defaults, path parameters', async () => {
    const doc = await documentOf(NotesController);
    const notes = doc.paths['/api/v1/notes'];
    expect(notes.post.requestBody).toMatchObject({
      content: { 'application/json': { schema: { type: 'object', required: ['text'], additionalProperties: false } } },
    });
    expect(notes.get.parameters).toEqual([
      { name: 'limit', in: 'query', required: false, schema: expect.objectContaining({ type: 'integer', default: 20, maximum: 100 }) },
      { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
    ]);
    expect(doc.paths['/api/v1/notes/{id}'].delete.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: expect.objectContaining({ type: 'string', format: 'uuid' }) },
    ]);
  });

  it('documents the answers: the response schema and the problems each route can return', async () => {
    const doc = await documentOf(NotesController, StatusController);
    const codes = (op: object) => Object.keys((op as { responses: object }).responses);
    expect(doc.paths['/api/v1/notes'].post.responses).toMatchObject({ '201': { content: { 'application/json': { schema: { type: 'object' } } } } });
    expect(codes(doc.paths['/api/v1/notes'].post)).toEqual(['201', '400', '401', '403', '413', '415', '429']);
    expect(codes(doc.paths['/api/v1/notes'].get)).toEqual(['200', '400', '401', '429']);
    expect(codes(doc.paths['/api/v1/notes/{id}'].delete)).toEqual(['204', '400', '401', '403', '404', '409', '429']);
    expect(codes(doc.paths['/api/v1/status'].get)).toEqual(['200', '429']);
  });

  it('marks public routes as needing no credentials, and says which role a route requires', async () => {
    const doc = await documentOf(NotesController, StatusController);
    expect(doc.paths['/api/v1/status'].get.security).toEqual([]);
    expect(doc.paths['/api/v1/notes'].get.security).toBeUndefined();
    expect(doc.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(doc.paths['/api/v1/notes/{id}'].delete.description).toMatch(/admin role/);
  });

  it('adds the Idempotency-Key header where the route honours it', async () => {
    const doc = await documentOf(NotesController);
    expect(doc.paths['/api/v1/notes'].post.parameters).toEqual([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]);
  });

  it('refuses a route without @ApiOperation, so nothing ships undocumented', async () => {
    await expect(documentOf(UndocumentedController)).rejects.toThrow(/UndocumentedController.hidden .* has no @ApiOperation/);
  });
});
