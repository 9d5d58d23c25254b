export * from './lib/catalog';
export * from './lib/decode';
export * from './lib/envelope';
export * from './lib/payloads/downloads';
export * from './lib/payloads/releases';
export * from './lib/payloads/search';
export * from './lib/subjects';
export * from './lib/stream-ticket';
