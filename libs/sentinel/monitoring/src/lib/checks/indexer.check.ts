import { Inject, Injectable } from '@nestjs/common';
import { IndexerRepository, SecretCipher } from '@sokoul/persistence';
import { TorznabClient, redactApiKey } from '@sokoul/torznab';
import { MONITORING_OPTIONS, type MonitoringOptions } from '../monitoring.options';
import { type CheckOutcome, type SentinelCheck, outcome } from './check';

const TIMEOUT_MS = 15_000;

/**
 * Every enabled indexer answers `t=caps`. Indexers are other people's servers: they are asked
 * every `indexerIntervalMs` (minutes), and between two rounds the last answers stand.
 */
@Injectable()
export class IndexerCheck implements SentinelCheck {
  readonly category = 'indexer';
  private readonly cipher: SecretCipher;
  private last: CheckOutcome[] | undefined;
  private lastRound = 0;

  constructor(
    private readonly indexers: IndexerRepository,
    @Inject(MONITORING_OPTIONS) private readonly options: MonitoringOptions,
  ) {
    this.cipher = new SecretCipher(options.secretsEncryptionKey);
  }

  async run(): Promise<CheckOutcome[]> {
    if (this.last && Date.now() - this.lastRound < this.options.indexerIntervalMs) return this.last;
    let enabled;
    try {
      enabled = await this.indexers.listEnabled();
    } catch {
      return this.last ?? [];
    }
    this.last = await Promise.all(enabled.map((indexer) => this.probe(indexer.id, indexer.name, indexer.url, indexer.apiKeyEncrypted)));
    this.lastRound = Date.now();
    return this.last;
  }

  private async probe(id: string, name: string, url: string, apiKeyEncrypted: string): Promise<CheckOutcome> {
    const failed = (detail: string) => outcome(this.category, id, { ok: false, severity: 'warning', title: `Indexer ${name} is failing`, detail });
    let apiKey: string;
    try {
      apiKey = this.cipher.decrypt(apiKeyEncrypted);
    } catch {
      return failed(`Its stored API key cannot be read (stored under another SECRETS_ENCRYPTION_KEY): set it again.`);
    }
    try {
      await new TorznabClient({ baseUrl: url, apiKey, timeoutMs: TIMEOUT_MS }).capabilities({ refresh: true });
      return outcome(this.category, id, { ok: true, severity: 'warning', title: `Indexer ${name} answers`, detail: `${name} answered its capabilities.` });
    } catch (error) {
      return failed(`${name} did not answer its capabilities: ${redactApiKey((error as Error).message, apiKey)}. Searches go on with the other indexers.`);
    }
  }
}
