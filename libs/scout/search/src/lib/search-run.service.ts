import { Inject, Injectable } from '@nestjs/common';
import { type SearchRequested, Subjects } from '@sokoul/contracts';
import { JetStreamPublisher, MESSAGING_OPTIONS, type MessageContext, type MessagingOptions, NonRetryableError } from '@sokoul/messaging';
import { ProcessedMessageRepository, SearchRepository } from '@sokoul/persistence';

/**
 * Runs one search: queued → running → completed, then announces it. Safe to run any number
 * of times for the same message (redelivery after a crash, a second replica): the final
 * state is written once, together with the message's idempotency record, and the event is
 * published with a stable id so JetStream keeps one copy.
 */
@Injectable()
export class SearchRunService {
  constructor(
    private readonly searches: SearchRepository,
    private readonly processed: ProcessedMessageRepository,
    private readonly publisher: JetStreamPublisher,
    @Inject(MESSAGING_OPTIONS) private readonly messaging: MessagingOptions,
  ) {}

  async run(request: SearchRequested, context: MessageContext): Promise<void> {
    const running = await this.searches.markRunning(request.searchId);
    if (!running) throw new NonRetryableError(`search ${request.searchId} does not exist`);

    // Indexer queries, parsing and ranking arrive with the scout issue; with no indexer
    // configured a search honestly finds nothing.
    const releaseCount = 0;

    await this.processed.once(context.consumer, context.messageId, (tx) =>
      this.searches.markFinished(request.searchId, { status: 'completed', releaseCount, completedBy: this.messaging.instanceId }, tx),
    );
    const search = await this.searches.findById(request.searchId);
    if (!search || (search.status !== 'completed' && search.status !== 'failed')) {
      throw new Error(`search ${request.searchId} is ${search?.status ?? 'gone'} after completion`);
    }
    await this.publisher.publish(
      Subjects.searchCompleted,
      {
        searchId: search.id,
        status: search.status,
        requestedBy: search.userId,
        releaseCount: search.releaseCount,
        completedAt: (search.completedAt ?? new Date()).toISOString(),
        ...(search.error ? { error: search.error } : {}),
      },
      { id: `search.completed:${search.id}`, correlationId: context.correlationId },
    );
  }
}
