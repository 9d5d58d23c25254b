export const MONITORING_OPTIONS = Symbol('MONITORING_OPTIONS');

export interface MonitoringOptions {
  intervalMs: number;
}
