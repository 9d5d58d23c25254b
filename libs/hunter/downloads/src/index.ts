export { DownloadsModule } from './lib/downloads.module';
export { DownloadSupervisor } from './lib/download-supervisor.service';
export { HUNTER_OPTIONS, type HunterOptions } from './lib/hunter.options';
