export * from './lib/quality-profile.dto';
export * from './lib/quality-profiles.module';
