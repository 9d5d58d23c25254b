import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type ReleasesFound, Subjects } from '@sokoul/contracts';
import { JetStreamPublisher, type MessageContext } from '@sokoul/messaging';
import { ReleaseRepository } from '@sokoul/persistence';
import { ReleaseJudgeService } from './release-judge.service';

/**
 * Oracle replicas compete for `releases.found`: one of them judges a search's releases,
 * stores the verdicts and announces them. Safe to run again for the same message: the
 * verdicts are overwritten with the same answers (cached), and `releases.validated` carries a
 * stable id, so JetStream keeps one copy.
 */
@Controller()
export class ReleasesFoundHandler {
  private readonly logger = new Logger(ReleasesFoundHandler.name);

  constructor(
    private readonly judge: ReleaseJudgeService,
    private readonly releases: ReleaseRepository,
    private readonly publisher: JetStreamPublisher,
  ) {}

  @EventPattern(Subjects.releasesFound)
  async handle(@Payload() found: ReleasesFound, @Ctx() context: MessageContext): Promise<void> {
    const verdicts = await this.judge.judgeAll(found.media, found.releases);
    const validatedAt = new Date();
    const stored = await this.releases.recordJudgements(found.searchId, verdicts, validatedAt);
    if (stored === 0 && verdicts.length > 0) {
      this.logger.warn(`search ${found.searchId}: none of its ${verdicts.length} releases is stored any more (deleted?); nothing to announce`);
      return;
    }
    await this.publisher.publish(
      Subjects.releasesValidated,
      { searchId: found.searchId, requestedBy: found.requestedBy, verdicts, validatedAt: validatedAt.toISOString() },
      { id: `releases.validated:${found.searchId}`, correlationId: context.correlationId },
    );
    const mismatches = verdicts.filter((v) => v.verdict === 'mismatch').length;
    this.logger.log(`search ${found.searchId}: ${verdicts.length} releases judged (${mismatches} mismatches)`);
  }
}
