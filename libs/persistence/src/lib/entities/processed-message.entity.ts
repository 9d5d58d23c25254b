import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per (consumer, message) whose effect was committed: the idempotency key that turns
 * at-least-once delivery into exactly-once effects. Written in the same transaction as the effect.
 */
@Entity({ name: 'processed_messages' })
export class ProcessedMessageEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  consumer!: string;

  @PrimaryColumn({ name: 'message_id', type: 'varchar', length: 200 })
  messageId!: string;

  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' })
  processedAt!: Date;
}
