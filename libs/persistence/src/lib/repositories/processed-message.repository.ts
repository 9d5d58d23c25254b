import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ProcessedMessageEntity } from '../entities/processed-message.entity';

/** A transaction handle repositories accept so several writes commit together. */
export type Transaction = EntityManager;

export type OnceResult<T> = { applied: true; result: T } | { applied: false };

@Injectable()
export class ProcessedMessageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Runs `effect` and records (consumer, messageId) in one transaction. If the message was
   * recorded before (a redelivery), nothing runs. Two deliveries racing in parallel serialize
   * on the primary key: the loser rolls back and reports not applied.
   */
  async once<T>(consumer: string, messageId: string, effect: (tx: Transaction) => Promise<T>): Promise<OnceResult<T>> {
    return this.dataSource.transaction(async (tx) => {
      const inserted = await tx
        .createQueryBuilder()
        .insert()
        .into(ProcessedMessageEntity)
        .values({ consumer, messageId })
        .orIgnore()
        .returning(['consumer'])
        .execute();
      if (inserted.raw.length === 0) return { applied: false } as const;
      return { applied: true, result: await effect(tx) } as const;
    });
  }

  async count(consumer: string, messageId: string): Promise<number> {
    return this.dataSource.getRepository(ProcessedMessageEntity).countBy({ consumer, messageId });
  }
}
