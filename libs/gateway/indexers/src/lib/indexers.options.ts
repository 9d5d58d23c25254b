export interface IndexersOptions {
  /** `SECRETS_ENCRYPTION_KEY`: API keys are stored encrypted under it (AES-256-GCM). */
  secretsEncryptionKey: string;
  /** How long `POST /indexers/:id/test` waits for `t=caps`. Default 15 000. */
  testTimeoutMs?: number;
}

export const INDEXERS_OPTIONS = Symbol('INDEXERS_OPTIONS');
