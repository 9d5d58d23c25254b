export * from './lib/inference-cache';
export * from './lib/oracle.options';
export * from './lib/release-judge.service';
export * from './lib/releases-found.handler';
export * from './lib/score-adjustment';
export * from './lib/validation.module';
export * from './lib/verdict-prompt';
