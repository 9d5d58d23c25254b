import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenApiDocument } from '@sokoul/gateway/openapi';
import { gatewayOpenApiDocument } from './openapi';

const COMMITTED = join(__dirname, '../../../docs/api/openapi.json');

describe('the OpenAPI document', () => {
  let generated: OpenApiDocument;
  beforeAll(async () => {
    generated = await gatewayOpenApiDocument();
  });

  it('committed in docs/api/openapi.json is what the code generates (regenerate with `npm run openapi`)', () => {
    expect(JSON.parse(readFileSync(COMMITTED, 'utf8'))).toEqual(generated);
  });

  it('documents every route of the API with a summary, its inputs and its answers', () => {
    const { paths } = generated;
    const operations = Object.values(paths).flatMap((verbs) => Object.values(verbs));
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/api/v1/auth/register', '/api/v1/searches/{id}', '/api/v1/admin/invites']));
    for (const operation of operations) {
      expect(operation).toMatchObject({ summary: expect.any(String), operationId: expect.any(String), responses: expect.anything() });
    }
  });
});
