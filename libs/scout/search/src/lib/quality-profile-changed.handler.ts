import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type QualityProfileChanged, Subjects } from '@sokoul/contracts';
import { ReleaseRescoringService } from './release-rescoring.service';

/** One scout replica re-ranks stored releases when an admin changes a quality profile. */
@Controller()
export class QualityProfileChangedHandler {
  constructor(private readonly rescoring: ReleaseRescoringService) {}

  @EventPattern(Subjects.qualityProfileChanged)
  async handle(@Payload() change: QualityProfileChanged): Promise<void> {
    await this.rescoring.rescore(change);
  }
}
