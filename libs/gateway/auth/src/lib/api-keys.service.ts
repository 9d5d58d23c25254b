import { HttpStatus, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ApiKeyAuthenticator, AuditTrail, type Principal, isAdmin, newApiKey } from '@sokoul/gateway/access';
import { ProblemException } from '@sokoul/gateway/http';
import { ApiKeyRepository } from '@sokoul/persistence';
import { type ApiKeyDto, type CreateApiKeyDto, type CreatedApiKeyDto, toApiKeyDto } from './api-keys.dto';
import type { ClientInfo } from './auth.dto';

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly apiKeys: ApiKeyRepository,
    private readonly audit: AuditTrail,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  /**
   * Keys are made from a signed-in session only (a key cannot mint keys), and the admin scope
   * only by an admin. The key is in this answer and nowhere else, ever.
   */
  async create(principal: Principal, input: CreateApiKeyDto, client: ClientInfo): Promise<CreatedApiKeyDto> {
    if (principal.scopes) {
      throw new ProblemException(HttpStatus.FORBIDDEN, 'session-required', 'Forbidden', 'API keys are created from a signed-in session, not with another key.');
    }
    if (input.scopes.includes('admin') && !isAdmin(principal)) {
      throw new ProblemException(HttpStatus.FORBIDDEN, 'forbidden', 'Forbidden', 'Only admins can create keys with the admin scope.');
    }
    const key = newApiKey();
    const saved = await this.apiKeys.create({
      id: randomUUID(),
      userId: principal.userId,
      name: input.name,
      prefix: key.prefix,
      keyHash: key.hash,
      scopes: input.scopes,
    });
    await this.audit.record({
      action: 'api_key.created',
      outcome: 'ok',
      actorUserId: principal.userId,
      target: { type: 'api_key', id: saved.id },
      client,
      details: { name: saved.name, prefix: saved.prefix, scopes: saved.scopes },
    });
    return { ...toApiKeyDto(saved), key: key.value };
  }

  async list(principal: Principal): Promise<ApiKeyDto[]> {
    return (await this.apiKeys.listActiveOfUser(principal.userId)).map(toApiKeyDto);
  }

  async revoke(principal: Principal, id: string, client: ClientInfo): Promise<void> {
    if (!(await this.apiKeys.revoke(id, principal.userId))) {
      throw new ProblemException(HttpStatus.NOT_FOUND, 'api-key-not-found', 'API key not found', `You have no active API key with id ${id}.`);
    }
    // Other replicas drop it when Postgres announces the change; this one before it answers.
    this.authenticator.forgetKeysOf(principal.userId);
    await this.audit.record({ action: 'api_key.revoked', outcome: 'ok', actorUserId: principal.userId, target: { type: 'api_key', id }, client });
  }
}
