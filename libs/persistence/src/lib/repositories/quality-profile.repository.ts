import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { QualityProfileEntity } from '../entities/quality-profile.entity';

export interface NewQualityProfile {
  id: string;
  name: string;
  isDefault: boolean;
  rules: Record<string, unknown>;
}

export class DuplicateQualityProfileError extends Error {
  constructor() {
    super('a quality profile with this name exists');
    this.name = 'DuplicateQualityProfileError';
  }
}

function rethrowDuplicate(error: unknown): never {
  if ((error as { constraint?: string }).constraint === 'uq_quality_profiles_name') throw new DuplicateQualityProfileError();
  throw error;
}

@Injectable()
export class QualityProfileRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(QualityProfileEntity);
  }

  list(): Promise<QualityProfileEntity[]> {
    return this.repo.createQueryBuilder('p').orderBy('p.is_default', 'DESC').addOrderBy('lower(p.name)', 'ASC').getMany();
  }

  findById(id: string): Promise<QualityProfileEntity | null> {
    return this.repo.findOneBy({ id });
  }

  findDefault(): Promise<QualityProfileEntity | null> {
    return this.repo.findOneBy({ isDefault: true });
  }

  /**
   * Creates the profile; when it is the default, the previous default stops being one, in the
   * same transaction (a partial unique index keeps exactly one).
   */
  async create(profile: NewQualityProfile): Promise<QualityProfileEntity> {
    return this.dataSource
      .transaction(async (tx) => {
        if (profile.isDefault) await tx.getRepository(QualityProfileEntity).update({ isDefault: true }, { isDefault: false });
        return tx.getRepository(QualityProfileEntity).save(tx.getRepository(QualityProfileEntity).create(profile));
      })
      .catch(rethrowDuplicate);
  }

  async update(id: string, changes: Partial<Omit<NewQualityProfile, 'id'>>): Promise<QualityProfileEntity | null> {
    return this.dataSource
      .transaction(async (tx) => {
        const repo = tx.getRepository(QualityProfileEntity);
        if (!(await repo.findOneBy({ id }))) return null;
        if (changes.isDefault) await repo.update({ isDefault: true }, { isDefault: false });
        await repo.update({ id }, changes as QueryDeepPartialEntity<QualityProfileEntity>);
        return repo.findOneBy({ id });
      })
      .catch(rethrowDuplicate);
  }

  /** 'default' when it is the default profile (make another the default first). */
  async delete(id: string): Promise<'deleted' | 'not-found' | 'default'> {
    const profile = await this.findById(id);
    if (!profile) return 'not-found';
    if (profile.isDefault) return 'default';
    await this.repo.delete({ id });
    return 'deleted';
  }

  /** Seeds these profiles when there are none yet (a fresh installation); safe on every start of every replica. */
  async seedWhenEmpty(profiles: NewQualityProfile[]): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query('LOCK TABLE quality_profiles IN SHARE ROW EXCLUSIVE MODE');
      if ((await tx.getRepository(QualityProfileEntity).count()) > 0) return;
      await tx.getRepository(QualityProfileEntity).save(profiles.map((p) => tx.getRepository(QualityProfileEntity).create(p)));
    });
  }
}
