import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type DownloadRequested, Subjects } from '@sokoul/contracts';
import { DownloadIntakeService } from './download-intake.service';

/** Hunter replicas compete for download commands; the request id makes a repeat harmless. */
@Controller()
export class DownloadRequestedHandler {
  constructor(private readonly intake: DownloadIntakeService) {}

  @EventPattern(Subjects.downloadRequested)
  handle(@Payload() request: DownloadRequested): Promise<void> {
    return this.intake.accept(request);
  }
}
