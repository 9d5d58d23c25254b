export * from './lib/torznab-server';
export * from './lib/tmdb-server';
export * from './lib/llm-server';
export * from './lib/otlp-collector';
