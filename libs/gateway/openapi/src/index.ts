export * from './lib/openapi-document';
export * from './lib/openapi-docs';
