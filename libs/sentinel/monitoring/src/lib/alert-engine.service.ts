import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type SystemAlert, Subjects } from '@sokoul/contracts';
import { JetStreamPublisher } from '@sokoul/messaging';
import { counter, gauge } from '@sokoul/observability';
import { type AlertEntity, AlertRepository, type CheckOutcome as StoredOutcome } from '@sokoul/persistence';
import { AlertDispatcher } from '@sokoul/sentinel/alert-sinks';
import type { CheckOutcome } from './checks/check';

const openAlerts = gauge('sokoul_alerts_open', 'Alerts raised and not yet resolved', ['severity']);
const notifications = counter('sokoul_alert_notifications_total', 'Alert notifications sent to webhook sinks, by outcome', ['sink', 'outcome']);

export const ALERT_DISPATCHER = Symbol('ALERT_DISPATCHER');

/** What one check reported in one round. */
export interface CheckRun {
  category: string;
  outcomes: CheckOutcome[];
}

interface OpenAlert {
  alert: AlertEntity;
  /** Stored in Postgres (it may be down when the alert is raised: that may be the alert). */
  persisted: boolean;
}

/** Events kept while NATS cannot take them, at most. */
const OUTBOX_LIMIT = 1_000;

/**
 * Turns check outcomes into alerts: raised when a thing turns bad, resolved when it turns good
 * again (or stops being watched), one open alert per thing however long it stays bad. The
 * state lives in memory first, so Postgres or NATS being down is itself alerted: alerts are
 * stored when Postgres answers (a partial unique index keeps one open alert per key across
 * sentinel replicas), published as `system.alert` when NATS answers, and sent to the webhook
 * sinks at once, each with its own retries.
 */
@Injectable()
export class AlertEngine implements OnApplicationShutdown {
  private readonly logger = new Logger(AlertEngine.name);
  private readonly open = new Map<string, OpenAlert>();
  /** Resolutions Postgres has not taken yet: key → when. */
  private readonly unsavedResolutions = new Map<string, Date>();
  private readonly outbox: SystemAlert[] = [];
  private readonly deliveries = new Set<Promise<void>>();
  private loaded = false;

  constructor(
    private readonly alerts: AlertRepository,
    private readonly publisher: JetStreamPublisher,
    @Inject(ALERT_DISPATCHER) private readonly dispatcher: AlertDispatcher,
  ) {}

  /** One round: every check's outcomes in, alerts raised and resolved, the state stored and announced. */
  async evaluate(runs: readonly CheckRun[], now = new Date()): Promise<void> {
    await this.loadOpenAlerts();
    for (const { category, outcomes } of runs) {
      const present = new Set(outcomes.map((o) => o.key));
      for (const o of outcomes) {
        if (o.ok === false && !this.open.has(o.key)) await this.raise(o, now);
        else if (o.ok === true && this.open.has(o.key)) await this.resolve(o.key, now);
      }
      for (const key of [...this.open.keys()]) {
        if (key.startsWith(`${category}:`) && !present.has(key)) await this.resolve(key, now);
      }
    }
    await this.store(runs.flatMap((r) => r.outcomes), now);
    await this.flushOutbox();
    for (const severity of ['critical', 'warning', 'info'] as const) {
      openAlerts.set({ severity }, [...this.open.values()].filter((o) => o.alert.severity === severity).length);
    }
  }

  /** The alerts open right now, as this sentinel sees them. */
  openAlerts(): AlertEntity[] {
    return [...this.open.values()].map((o) => o.alert);
  }

  /** Waits for webhook deliveries in progress (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.allSettled([...this.deliveries]);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.race([this.settled(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  }

  /** Alerts another process (or an earlier run) raised are known before the first round decides anything. */
  private async loadOpenAlerts(): Promise<void> {
    if (this.loaded) return;
    try {
      for (const alert of await this.alerts.open()) if (!this.open.has(alert.key)) this.open.set(alert.key, { alert, persisted: true });
      this.loaded = true;
    } catch {
      // Postgres is down: the round goes on from memory; loading is tried again next round.
    }
  }

  private async raise(o: CheckOutcome, now: Date): Promise<void> {
    const alert: AlertEntity = { id: randomUUID(), key: o.key, severity: o.severity, title: o.title, detail: o.detail, raisedAt: now, resolvedAt: null };
    let persisted = false;
    try {
      if (!(await this.alerts.raise(alert))) {
        // Another sentinel raised it first: adopt theirs, announce nothing.
        const theirs = (await this.alerts.open()).find((a) => a.key === o.key);
        if (theirs) {
          this.open.set(o.key, { alert: theirs, persisted: true });
          return;
        }
      }
      persisted = true;
    } catch {
      // Not stored yet; `store` tries again each round.
    }
    this.open.set(o.key, { alert, persisted });
    this.logger.warn(`alert raised [${alert.severity}] ${alert.title}: ${alert.detail}`);
    this.announce(alert, 'raised');
  }

  private async resolve(key: string, now: Date): Promise<void> {
    const entry = this.open.get(key);
    if (!entry) return;
    this.open.delete(key);
    const resolved: AlertEntity = { ...entry.alert, resolvedAt: now };
    if (entry.persisted) {
      try {
        // Null: another sentinel resolved it and said so already.
        if (!(await this.alerts.resolve(key, now))) return;
      } catch {
        this.unsavedResolutions.set(key, now);
      }
    }
    this.logger.log(`alert resolved: ${resolved.title}`);
    this.announce(resolved, 'resolved');
  }

  /** What Postgres missed while it was down, then the latest outcome of every check. */
  private async store(outcomes: readonly CheckOutcome[], now: Date): Promise<void> {
    try {
      for (const entry of this.open.values()) {
        if (entry.persisted) continue;
        await this.alerts.raise(entry.alert);
        entry.persisted = true;
      }
      for (const [key, at] of this.unsavedResolutions) {
        await this.alerts.resolve(key, at);
        this.unsavedResolutions.delete(key);
      }
      const known = outcomes.filter((o): o is StoredOutcome => o.ok !== undefined);
      await this.alerts.recordChecks(known, now);
    } catch (error) {
      this.logger.debug(`alert state not stored this round: ${(error as Error).message}`);
    }
  }

  private announce(alert: AlertEntity, state: 'raised' | 'resolved'): void {
    const event: SystemAlert = {
      alertId: alert.id,
      key: alert.key,
      state,
      severity: alert.severity,
      title: alert.title,
      detail: alert.detail,
      raisedAt: alert.raisedAt.toISOString(),
      resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    };
    this.outbox.push(event);
    if (this.outbox.length > OUTBOX_LIMIT) this.outbox.shift();
    const delivery = this.dispatcher
      .deliver({ id: event.alertId, key: event.key, state, severity: event.severity, title: event.title, detail: event.detail, raisedAt: event.raisedAt, resolvedAt: event.resolvedAt })
      .then((results) => {
        for (const result of results) {
          notifications.inc({ sink: result.sink, outcome: result.ok ? 'delivered' : 'failed' });
          if (!result.ok) this.logger.warn(`alert "${alert.title}" not delivered to ${result.sink} after ${result.attempts} attempts: ${result.error ?? result.status}`);
        }
      })
      .finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }

  /** In order; what NATS does not take now waits for the next round (the id de-duplicates a retry). */
  private async flushOutbox(): Promise<void> {
    while (this.outbox.length > 0) {
      const event = this.outbox[0];
      try {
        await this.publisher.publish(Subjects.systemAlert, event, { id: `system.alert:${event.alertId}:${event.state}` });
      } catch (error) {
        this.logger.debug(`system.alert not published yet: ${(error as Error).message}`);
        return;
      }
      this.outbox.shift();
    }
  }
}
