import { HttpStatus, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type QualityProfileChanged, Subjects } from '@sokoul/contracts';
import { type AuditEvent, AuditTrail } from '@sokoul/gateway/access';
import { ProblemException, ServiceUnavailableProblem, ValidationProblem } from '@sokoul/gateway/http';
import { JetStreamPublisher, PublishError } from '@sokoul/messaging';
import { DuplicateQualityProfileError, type QualityProfileEntity, QualityProfileRepository } from '@sokoul/persistence';
import { DEFAULT_QUALITY_PROFILES } from '@sokoul/release-ranking';
import {
  type CreateQualityProfileDto,
  type QualityProfileDto,
  type UpdateQualityProfileDto,
  toQualityProfileDto,
  validateProfile,
} from './quality-profile.dto';

type Client = AuditEvent['client'];

/**
 * Quality profiles: everyone reads them, admins change them. Each change is announced on
 * `sokoul.quality-profile.changed` so the scouts rank the stored releases again.
 */
@Injectable()
export class QualityProfilesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(QualityProfilesService.name);

  constructor(
    private readonly profiles: QualityProfileRepository,
    private readonly publisher: JetStreamPublisher,
    private readonly audit: AuditTrail,
  ) {}

  /** A fresh installation starts with Radarr's and Sonarr's usual profiles, one of them the default. */
  async onApplicationBootstrap(): Promise<void> {
    await this.profiles.seedWhenEmpty(
      DEFAULT_QUALITY_PROFILES.map((seed) => ({ id: randomUUID(), name: seed.profile.name, isDefault: seed.isDefault, rules: { ...seed.profile } })),
    );
  }

  async list(): Promise<QualityProfileDto[]> {
    return (await this.profiles.list()).map(toQualityProfileDto);
  }

  async get(id: string): Promise<QualityProfileDto> {
    const profile = await this.profiles.findById(id);
    if (!profile) throw this.notFound(id);
    return toQualityProfileDto(profile);
  }

  async create(input: CreateQualityProfileDto, actorUserId: string, client: Client): Promise<QualityProfileDto> {
    const rules = this.validated(input.name, input.rules);
    const profile = await this.profiles
      .create({ id: randomUUID(), name: input.name, isDefault: input.isDefault, rules })
      .catch((error: unknown) => this.rethrowDuplicate(error, input.name));
    await this.changed(profile, 'created', actorUserId, client, profile.updatedAt);
    return toQualityProfileDto(profile);
  }

  /** `rules` replace the stored ones as a whole; the name and rules are validated together. */
  async update(id: string, input: UpdateQualityProfileDto, actorUserId: string, client: Client): Promise<QualityProfileDto> {
    const current = await this.profiles.findById(id);
    if (!current) throw this.notFound(id);
    const name = input.name ?? current.name;
    const { name: _storedName, ...storedRules } = current.rules;
    const rules = this.validated(name, input.rules ?? storedRules);
    const profile = await this.profiles
      .update(id, { name, rules, ...(input.isDefault ? { isDefault: true } : {}) })
      .catch((error: unknown) => this.rethrowDuplicate(error, name));
    if (!profile) throw this.notFound(id);
    await this.changed(profile, 'updated', actorUserId, client, profile.updatedAt, { fields: Object.keys(input) });
    return toQualityProfileDto(profile);
  }

  /** The default profile cannot be deleted (make another the default first); searches ranked by a deleted one follow the default. */
  async delete(id: string, actorUserId: string, client: Client): Promise<void> {
    const profile = await this.profiles.findById(id);
    if (!profile) throw this.notFound(id);
    const outcome = await this.profiles.delete(id);
    if (outcome === 'not-found') throw this.notFound(id);
    if (outcome === 'default') {
      throw new ProblemException(
        HttpStatus.CONFLICT,
        'quality-profile-is-default',
        'The default profile cannot be deleted',
        `${JSON.stringify(profile.name)} is the default profile; make another profile the default first.`,
      );
    }
    await this.changed(profile, 'deleted', actorUserId, client, new Date());
  }

  private validated(name: string, rules: Record<string, unknown>): Record<string, unknown> {
    const checked = validateProfile(name, rules);
    if (checked.issues) throw new ValidationProblem(checked.issues);
    return { ...checked.profile };
  }

  /**
   * Audits the change, then announces it. The message id is stable per change, so a publish
   * retried by JetStream's client is stored once. If NATS cannot take it, the change is saved
   * but the client hears 503: repeating the request (or any later change) announces it.
   */
  private async changed(
    profile: QualityProfileEntity,
    change: QualityProfileChanged['change'],
    actorUserId: string,
    client: Client,
    changedAt: Date,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await this.audit.record({
      action: 'quality_profile.changed',
      outcome: 'ok',
      actorUserId,
      target: { type: 'quality_profile', id: profile.id },
      client,
      details: { name: profile.name, change, isDefault: profile.isDefault, ...details },
    });
    try {
      await this.publisher.publish(
        Subjects.qualityProfileChanged,
        { profileId: profile.id, change, isDefault: profile.isDefault, changedAt: changedAt.toISOString() },
        { id: `quality-profile.${change}:${profile.id}:${changedAt.toISOString()}`, correlationId: profile.id },
      );
    } catch (error) {
      if (!(error instanceof PublishError)) throw error;
      this.logger.error(error);
      throw new ServiceUnavailableProblem(
        `The profile was ${change}, but the scouts could not be told to rank stored releases again; repeat the request to announce it.`,
        5,
      );
    }
  }

  private notFound(id: string): ProblemException {
    return new ProblemException(HttpStatus.NOT_FOUND, 'quality-profile-not-found', 'Quality profile not found', `No quality profile has id ${id}.`);
  }

  private rethrowDuplicate(error: unknown, name: string): never {
    if (error instanceof DuplicateQualityProfileError) {
      throw new ProblemException(HttpStatus.CONFLICT, 'quality-profile-exists', 'Quality profile exists', `A quality profile is already named ${JSON.stringify(name)} (names ignore letter case).`);
    }
    throw error;
  }
}
