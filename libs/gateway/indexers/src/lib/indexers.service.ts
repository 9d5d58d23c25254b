import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type AuditEvent, AuditTrail } from '@sokoul/gateway/access';
import { ProblemException } from '@sokoul/gateway/http';
import { DuplicateIndexerError, type IndexerChanges, type IndexerEntity, IndexerRepository, SecretCipher } from '@sokoul/persistence';
import { type TorznabCapabilities, TorznabClient, TorznabError, redactApiKey } from '@sokoul/torznab';
import { type CreateIndexerDto, type IndexerDto, type UpdateIndexerDto, toIndexerDto } from './indexer.dto';
import { INDEXERS_OPTIONS, type IndexersOptions } from './indexers.options';

type Client = AuditEvent['client'];

const DEFAULT_TEST_TIMEOUT_MS = 15_000;

/**
 * The problem a failed `t=caps` stands for. The detail is the Torznab error's message, which
 * names the URL with the key redacted; it is redacted once more here, in case an indexer echoed
 * the key in an error description.
 */
export function problemForTorznabError(error: TorznabError, apiKey: string): ProblemException {
  const detail = redactApiKey(error.message, apiKey);
  switch (error.kind) {
    case 'auth':
      return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, 'indexer-auth-failed', 'The indexer refused the API key', detail);
    case 'timeout':
    case 'network':
      return new ProblemException(HttpStatus.BAD_GATEWAY, 'indexer-unreachable', 'The indexer could not be reached', detail);
    case 'rate-limited':
      return new ProblemException(HttpStatus.BAD_GATEWAY, 'indexer-rate-limited', 'The indexer is rate limiting', detail);
    default:
      return new ProblemException(HttpStatus.BAD_GATEWAY, 'indexer-failed', 'The indexer did not answer with its Torznab capabilities', detail);
  }
}

/** Torznab indexers, for admins. API keys are write-only: encrypted at rest, never answered. */
@Injectable()
export class IndexersService {
  private readonly logger = new Logger(IndexersService.name);
  private readonly testTimeoutMs: number;

  constructor(
    private readonly indexers: IndexerRepository,
    private readonly cipher: SecretCipher,
    private readonly audit: AuditTrail,
    @Inject(INDEXERS_OPTIONS) options: IndexersOptions,
  ) {
    this.testTimeoutMs = options.testTimeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
  }

  async create(input: CreateIndexerDto, actorUserId: string, client: Client): Promise<IndexerDto> {
    const indexer = await this.indexers
      .create({
        id: randomUUID(),
        name: input.name,
        url: input.url,
        apiKeyEncrypted: this.cipher.encrypt(input.apiKey),
        categories: input.categories,
        priority: input.priority,
        enabled: input.enabled,
      })
      .catch((error: unknown) => this.rethrowDuplicate(error, input.name));
    await this.record('indexer.created', indexer, actorUserId, client, { url: indexer.url, enabled: indexer.enabled });
    return toIndexerDto(indexer);
  }

  async list(): Promise<IndexerDto[]> {
    return (await this.indexers.list()).map(toIndexerDto);
  }

  async get(id: string): Promise<IndexerDto> {
    return toIndexerDto(await this.found(id));
  }

  /** `apiKey` replaces the stored key; the audit entry names the fields changed, never the key. */
  async update(id: string, input: UpdateIndexerDto, actorUserId: string, client: Client): Promise<IndexerDto> {
    const { apiKey, ...rest } = input;
    const changes: IndexerChanges = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
    if (apiKey !== undefined) changes.apiKeyEncrypted = this.cipher.encrypt(apiKey);
    const indexer = await this.indexers.update(id, changes).catch((error: unknown) => this.rethrowDuplicate(error, input.name ?? ''));
    if (!indexer) throw this.notFound(id);
    const fields = Object.keys(input).filter((key) => input[key as keyof UpdateIndexerDto] !== undefined);
    await this.record('indexer.updated', indexer, actorUserId, client, { fields });
    return toIndexerDto(indexer);
  }

  async delete(id: string, actorUserId: string, client: Client): Promise<void> {
    const indexer = await this.found(id);
    if (!(await this.indexers.delete(id))) throw this.notFound(id);
    await this.record('indexer.deleted', indexer, actorUserId, client);
  }

  /**
   * Reads the indexer's `t=caps` with its stored key and keeps what it says; a refused key, an
   * unreachable host or an unreadable answer is a problem naming the cause, never the key.
   */
  async test(id: string, actorUserId: string, client: Client): Promise<IndexerDto> {
    const indexer = await this.found(id);
    let apiKey: string;
    try {
      apiKey = this.cipher.decrypt(indexer.apiKeyEncrypted);
    } catch {
      await this.record('indexer.tested', indexer, actorUserId, client, { error: 'key-unreadable' }, 'failed');
      throw new ProblemException(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'indexer-key-unreadable',
        'The stored API key cannot be read',
        'The key was stored under another SECRETS_ENCRYPTION_KEY; set the API key again.',
      );
    }

    let capabilities: TorznabCapabilities;
    try {
      capabilities = await new TorznabClient({ baseUrl: indexer.url, apiKey, timeoutMs: this.testTimeoutMs }).capabilities({ refresh: true });
    } catch (error) {
      if (!(error instanceof TorznabError)) throw error;
      this.logger.warn(`indexer ${indexer.id} failed its test: ${redactApiKey(error.message, apiKey)}`);
      await this.record('indexer.tested', indexer, actorUserId, client, { error: error.kind }, 'failed');
      throw problemForTorznabError(error, apiKey);
    }

    await this.indexers.setCapabilities(id, { ...capabilities });
    await this.record('indexer.tested', indexer, actorUserId, client, { server: capabilities.server.title ?? null });
    return toIndexerDto(await this.found(id));
  }

  private async found(id: string): Promise<IndexerEntity> {
    const indexer = await this.indexers.findById(id);
    if (!indexer) throw this.notFound(id);
    return indexer;
  }

  private notFound(id: string): ProblemException {
    return new ProblemException(HttpStatus.NOT_FOUND, 'indexer-not-found', 'Indexer not found', `No indexer has id ${id}.`);
  }

  private rethrowDuplicate(error: unknown, name: string): never {
    if (error instanceof DuplicateIndexerError) {
      throw new ProblemException(HttpStatus.CONFLICT, 'indexer-exists', 'Indexer exists', `An indexer is already named ${JSON.stringify(name)} (names ignore letter case).`);
    }
    throw error;
  }

  private record(
    action: 'indexer.created' | 'indexer.updated' | 'indexer.deleted' | 'indexer.tested',
    indexer: IndexerEntity,
    actorUserId: string,
    client: Client,
    details: Record<string, unknown> = {},
    outcome: 'ok' | 'failed' = 'ok',
  ): Promise<void> {
    return this.audit.record({ action, outcome, actorUserId, target: { type: 'indexer', id: indexer.id }, client, details: { name: indexer.name, ...details } });
  }
}
