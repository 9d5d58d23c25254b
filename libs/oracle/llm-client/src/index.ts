export * from './lib/chat-completions.client';
export * from './lib/model.errors';
