import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditEntryEntity } from '../entities/audit-entry.entity';

export type NewAuditEntry = Omit<AuditEntryEntity, 'id' | 'occurredAt'>;

export interface AuditQuery {
  action?: string;
  actorUserId?: string;
  /** Entries older than this id (exclusive): the cursor of the previous page. */
  before?: string;
  limit: number;
}

@Injectable()
export class AuditLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(entry: NewAuditEntry): Promise<void> {
    await this.dataSource.getRepository(AuditEntryEntity).insert({ ...entry, details: entry.details as object });
  }

  /** Newest first. */
  query(query: AuditQuery): Promise<AuditEntryEntity[]> {
    const builder = this.dataSource.getRepository(AuditEntryEntity).createQueryBuilder('a').orderBy('a.id', 'DESC').take(query.limit);
    if (query.action) builder.andWhere('a.action = :action', { action: query.action });
    if (query.actorUserId) builder.andWhere('a.actor_user_id = :actor', { actor: query.actorUserId });
    if (query.before) builder.andWhere('a.id < :before', { before: query.before });
    return builder.getMany();
  }
}
