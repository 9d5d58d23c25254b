import { counter, gauge } from '@sokoul/observability';

/** Per-download gauges carry the download's id and are removed when it stops moving. */
export const downloadMetrics = {
  speed: gauge('sokoul_download_speed_bytes', 'Download speed of each active download, bytes per second.', ['download']),
  progress: gauge('sokoul_download_progress_ratio', 'Share of the selected files received, 0 to 1, per active download.', ['download']),
  active: gauge('sokoul_downloads_active', 'Downloads this hunter holds, by status.', ['status']),
  finished: counter('sokoul_downloads_finished_total', 'Downloads that reached an end state.', ['outcome']),
  attemptFailures: counter('sokoul_download_attempt_failures_total', 'Failed attempts that will be retried, by reason.', ['code']),
};
