import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type SearchRequested, Subjects } from '@sokoul/contracts';
import type { MessageContext } from '@sokoul/messaging';
import { SearchRunService } from './search-run.service';

/** Scout replicas compete for search commands: each search is run by one of them. */
@Controller()
export class SearchRequestedHandler {
  constructor(private readonly searchRun: SearchRunService) {}

  @EventPattern(Subjects.searchRequested)
  handle(@Payload() request: SearchRequested, @Ctx() context: MessageContext): Promise<void> {
    return this.searchRun.run(request, context);
  }
}
