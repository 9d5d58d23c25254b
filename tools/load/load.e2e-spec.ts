import { runSpike, type SpikeReport } from './load-run';
import { spikeNotes, spikeTable } from './report';

/**
 * Issue #9's load at CI scale: 100 WebSocket clients connected while mixed API traffic goes
 * 20 → 100 → 20 req/s (20 s each). Latency values are not asserted (the machines are noisy):
 * the structure of the report, zero errors, every client still connected, recovery measured.
 */
describe('load: a traffic spike with WebSocket clients connected', () => {
  let report: SpikeReport;

  beforeAll(async () => {
    report = await runSpike({
      wsClients: 100,
      phases: [
        { name: 'pre', seconds: 20, rate: 20 },
        { name: 'spike', seconds: 20, rate: 100 },
        { name: 'post', seconds: 20, rate: 20 },
      ],
    });
    process.stdout.write(`${spikeTable([report])}\n${spikeNotes([report]).join('\n')}\n`);
  }, 280_000);

  it('answers every request of every phase without an error, at the rate asked', () => {
    expect(report.phases.map((p) => p.name)).toEqual(['pre', 'spike', 'post']);
    for (const phase of report.phases) {
      expect(phase.errors).toBe(0);
      expect(phase.requests).toBe(phase.seconds * phase.rate);
      expect(phase.p99Ms).toBeGreaterThanOrEqual(phase.p50Ms);
      expect(phase.gatewayRssMiB.max).toBeGreaterThan(0);
    }
  });

  it('keeps every WebSocket client authenticated and connected, and delivers their events', () => {
    expect(report.ws.authenticated).toBe(100);
    expect(report.ws.openAtEnd).toBe(100);
    expect(report.ws.unexpectedCloses).toEqual({});
    expect(report.ws.framesByType['search.completed'] ?? 0).toBeGreaterThan(0);
  });

  it('measures the recovery after the spike', () => {
    expect(report).toHaveProperty('recoveryMs');
    if (report.recoveryMs !== null) expect(report.recoveryMs).toBeGreaterThanOrEqual(0);
    expect(Object.keys(report.rssMiB).sort()).toEqual(['gateway', 'hunter', 'oracle', 'scout', 'sentinel']);
  });
});
