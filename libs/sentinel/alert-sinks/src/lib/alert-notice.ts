/** The same three levels as the `system.alert` contract; repeated here because a util lib depends on no contracts. */
export type AlertSeverity = 'critical' | 'warning' | 'info';

/** What a sink is told when an alert is raised or resolved. */
export interface AlertNotice {
  /** The alert's id (a uuid): a raise and its resolution share it. */
  id: string;
  /** What it is about, stable: `dependency:redis`, `disk:library`, `lag:SOKOUL_COMMANDS/scout-…`. */
  key: string;
  state: 'raised' | 'resolved';
  severity: AlertSeverity;
  /** Short: `Redis is down`. */
  title: string;
  /** One or two sentences. */
  detail: string;
  /** ISO 8601. */
  raisedAt: string;
  /** ISO 8601; null while raised. */
  resolvedAt: string | null;
}
