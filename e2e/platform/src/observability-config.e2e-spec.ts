import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type ServiceName, TestStack, eventually, freePort } from '@sokoul/testing';

/*
 * docker/prometheus and docker/grafana: the files parse, promtool accepts them, the alert rules
 * raise what alerts.test.yml says, and every metric a rule or a panel names is one that the five
 * services, started for real, export on /metrics.
 */

const ROOT = join(__dirname, '../../..');
const PROMETHEUS = join(ROOT, 'docker/prometheus');
const GRAFANA = join(ROOT, 'docker/grafana');
const SERVICES: ServiceName[] = ['gateway', 'scout', 'hunter', 'oracle', 'sentinel'];
const DATASOURCE_UID = 'prometheus';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: Array<{ name: string; rules: Rule[] }>;
}
interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  scrape_interval?: string;
  static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>;
}
interface Target {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Array<{ name: string; datasource?: { uid?: string }; query: string | { query: string } }> };
}

const readYaml = <T>(path: string): T => parse(readFileSync(path, 'utf8')) as T;
const alertRules = (): Rule[] => readYaml<RuleFile>(join(PROMETHEUS, 'alerts.yml')).groups.flatMap((g) => g.rules);
const dashboard = (): Dashboard => JSON.parse(readFileSync(join(GRAFANA, 'dashboards/sokoul.json'), 'utf8')) as Dashboard;
const queryPanels = (): Panel[] => dashboard().panels.filter((p) => p.type !== 'row');

/** Every PromQL expression of the dashboard and the rules, with where it comes from. */
function expressions(): Array<{ where: string; expr: string }> {
  return [
    ...alertRules().map((rule) => ({ where: `alerts.yml ${rule.alert}`, expr: rule.expr })),
    ...queryPanels().flatMap((panel) => (panel.targets ?? []).map((t) => ({ where: `panel "${panel.title}" ${t.refId}`, expr: t.expr }))),
  ];
}

/** What Grafana puts in place of its variables, for promtool's parser: any value of the right kind. */
function withGrafanaVariablesFilled(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m').replace(/\$\{?\w+\}?/g, '.+');
}

const PROMQL_WORDS = new Set([
  ...['sum', 'min', 'max', 'avg', 'count', 'stddev', 'topk', 'bottomk', 'quantile', 'group', 'count_values'],
  ...['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets', 'histogram_quantile', 'absent', 'clamp_min', 'clamp_max', 'abs', 'vector', 'scalar', 'time'],
  ...['max_over_time', 'min_over_time', 'avg_over_time', 'sum_over_time', 'count_over_time', 'last_over_time', 'label_replace', 'label_join'],
  ...['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan'],
]);

/**
 * The metric names an expression selects: every identifier left once label values, label
 * matchers, grouping labels, ranges, numbers and Grafana variables are taken out, that is not a
 * PromQL function or keyword. Whatever its prefix, a metric name cannot hide from this.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\$\{?\w+\}?/g, '')
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?([smhdwy]|ms)?\b/gi, '');
  const identifiers = bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(identifiers.filter((id) => !PROMQL_WORDS.has(id.toLowerCase())))];
}

/** Metric family → type, from the `# TYPE` lines of an exposition. */
function families(exposition: string): Map<string, string> {
  return new Map([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
}

/** The family and type a sample name belongs to: histograms add _bucket/_sum/_count, counters may be named with or without _total. */
function familyOf(name: string, exported: Map<string, string>): { family: string; type: string; suffix: string } | undefined {
  const type = exported.get(name);
  if (type) return { family: name, type, suffix: '' };
  for (const suffix of ['_bucket', '_sum', '_count', '_total']) {
    if (!name.endsWith(suffix)) continue;
    const family = name.slice(0, -suffix.length);
    const familyType = exported.get(family);
    if (familyType === 'histogram' && suffix !== '_total') return { family, type: familyType, suffix };
    if (familyType === 'summary' && (suffix === '_sum' || suffix === '_count')) return { family, type: familyType, suffix };
    if (familyType === 'counter' && suffix === '_total') return { family, type: familyType, suffix };
  }
  return undefined;
}

/** Runs promtool; a missing promtool fails the test: `tools/stack/test-tools.sh` installs it. */
function promtool(args: string[], cwd = ROOT): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error("promtool is not on the PATH: run `bash tools/stack/test-tools.sh` (it installs Debian's prometheus package)");
  }
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the Prometheus and Grafana configuration in docker/', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'sokoul-observability-'));
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('scrapes the five services by their compose names on /metrics every 15 s and loads alerts.yml', () => {
    const config = readYaml<{ rule_files: string[]; scrape_configs: ScrapeConfig[] }>(join(PROMETHEUS, 'prometheus.yml'));
    expect(config.rule_files).toEqual(['alerts.yml']);
    const scrapes = config.scrape_configs.flatMap((job) =>
      job.static_configs.flatMap((group) =>
        group.targets.map((target) => ({ target, service: group.labels?.['service'], path: job.metrics_path ?? '/metrics', interval: job.scrape_interval })),
      ),
    );
    expect(scrapes).toEqual([
      { target: 'gateway:3000', service: 'gateway', path: '/metrics', interval: '15s' },
      { target: 'scout:3001', service: 'scout', path: '/metrics', interval: '15s' },
      { target: 'hunter:3002', service: 'hunter', path: '/metrics', interval: '15s' },
      { target: 'oracle:3003', service: 'oracle', path: '/metrics', interval: '15s' },
      { target: 'sentinel:3004', service: 'sentinel', path: '/metrics', interval: '15s' },
    ]);
  });

  it('passes promtool check config, which also checks the rule files it loads', () => {
    const { status, output } = promtool(['check', 'config', join(PROMETHEUS, 'prometheus.yml')]);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('passes promtool check rules, templates of the annotations included', () => {
    const { status, output } = promtool(['check', 'rules', join(PROMETHEUS, 'alerts.yml')]);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('gives every alert a unique name, a severity and a summary, description and runbook', () => {
    const rules = alertRules();
    expect(rules.length).toBeGreaterThan(0);
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const rule of rules) {
      expect({ alert: rule.alert, severity: rule.labels?.['severity'] }).toEqual({ alert: expect.stringMatching(/^Sokoul[A-Za-z0-9]+$/), severity: expect.stringMatching(/^(critical|warning)$/) });
      for (const key of ['summary', 'description', 'runbook']) expect({ alert: rule.alert, [key]: rule.annotations?.[key]?.trim() }).toEqual({ alert: rule.alert, [key]: expect.stringMatching(/\S/) });
    }
  });

  it('raises each alert on the series alerts.test.yml gives, and no other', () => {
    // promtool compares annotations word for word; ours are prose, checked by `check rules` above.
    const rules = readYaml<RuleFile>(join(PROMETHEUS, 'alerts.yml'));
    for (const group of rules.groups) for (const rule of group.rules) delete rule.annotations;
    writeFileSync(join(scratch, 'alerts.yml'), stringify(rules, { lineWidth: 0 }));
    copyFileSync(join(PROMETHEUS, 'alerts.test.yml'), join(scratch, 'alerts.test.yml'));

    const { status, output } = promtool(['test', 'rules', 'alerts.test.yml'], scratch);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    const tested = new Set(
      readYaml<{ tests: Array<{ alert_rule_test?: Array<{ alertname: string }> }> }>(join(PROMETHEUS, 'alerts.test.yml')).tests.flatMap((t) =>
        (t.alert_rule_test ?? []).map((a) => a.alertname),
      ),
    );
    expect(alertRules().map((r) => r.alert).filter((name) => !tested.has(name!))).toEqual([]);
  });

  it('provisions the datasource under the uid the dashboard uses, and the dashboards folder', () => {
    const datasources = readYaml<{ datasources: Array<{ uid: string; type: string; url: string }> }>(join(GRAFANA, 'provisioning/datasources/prometheus.yml'));
    expect(datasources.datasources).toEqual([expect.objectContaining({ uid: DATASOURCE_UID, type: 'prometheus', url: 'http://prometheus:9090' })]);
    const providers = readYaml<{ providers: Array<{ type: string; options: { path: string } }> }>(join(GRAFANA, 'provisioning/dashboards/sokoul.yml'));
    expect(providers.providers).toEqual([expect.objectContaining({ type: 'file', options: expect.objectContaining({ path: '/var/lib/grafana/dashboards' }) })]);
  });

  it('lays the dashboard out in the rows the issue names, each panel titled and querying the provisioned datasource', () => {
    const board = dashboard();
    expect(board).toMatchObject({ uid: 'sokoul', title: 'Sokoul', schemaVersion: 39 });
    expect(board.panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual(['Overview', 'Searches', 'Downloads', 'Inference', 'Queues', 'Resources', 'Disk', 'Caches and circuits']);
    expect(new Set(board.panels.map((p) => p.id)).size).toBe(board.panels.length);
    for (const panel of queryPanels()) {
      const seen = { title: panel.title, uid: panel.datasource?.uid, targets: panel.targets?.length ?? 0 };
      expect(seen).toEqual({ title: expect.stringMatching(/\S/), uid: DATASOURCE_UID, targets: expect.any(Number) });
      expect(seen.targets).toBeGreaterThan(0);
      for (const target of panel.targets!) expect({ panel: panel.title, uid: target.datasource?.uid, expr: target.expr }).toEqual({ panel: panel.title, uid: DATASOURCE_UID, expr: expect.stringMatching(/\S/) });
    }
    for (const variable of board.templating.list) expect(variable.datasource?.uid).toBe(DATASOURCE_UID);
  });

  it('writes every dashboard query in PromQL that promtool parses', () => {
    const rules = queryPanels().flatMap((panel) =>
      panel.targets!.map((t) => ({ record: `dashboard:panel_${panel.id}_${t.refId}`, expr: withGrafanaVariablesFilled(t.expr) })),
    );
    writeFileSync(join(scratch, 'dashboard-queries.yml'), stringify({ groups: [{ name: 'dashboard', rules }] }, { lineWidth: 0 }));
    const { status, output } = promtool(['check', 'rules', join(scratch, 'dashboard-queries.yml')]);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining(`SUCCESS: ${rules.length} rules found`) });
  });

  it('finds metric names whatever their prefix, and not in label values, grouping or numbers', () => {
    expect(
      metricNames('sum by (service, le) (rate(sokoul_x_bucket{subject="sokoul_y", service=~"$service"}[$__rate_interval])) / other_metric > 1.5e9 offset 15m'),
    ).toEqual(['sokoul_x_bucket', 'other_metric']);
    expect(metricNames('up{job="sokoul"} == 0')).toEqual(['up']);
  });

  describe('against the five services running', () => {
    let stack: TestStack;
    const exported = new Map<ServiceName, Map<string, string>>();

    beforeAll(async () => {
      stack = await TestStack.create('observability');
      for (const name of SERVICES) {
        const service = await stack.start(name);
        const response = await fetch(`${service.url}/metrics`);
        expect(response.status).toBe(200);
        exported.set(name, families(await response.text()));
      }
    });

    afterAll(async () => {
      await stack?.destroy();
    });

    it.each(SERVICES)('%s counts the scrapes of /metrics under route="/metrics", which the HTTP rules and panels leave out', async (name) => {
      const service = stack.services.find((s) => s.name === name)!;
      const text = await (await fetch(`${service.url}/metrics`)).text();
      expect(text).toMatch(/^sokoul_http_request_duration_seconds_count\{[^}]*route="\/metrics"[^}]*status_code="200"[^}]*\} [1-9]/m);
    });

    const lookUp = (name: string) => {
      for (const [service, metrics] of exported) {
        const found = familyOf(name, metrics);
        if (found) return { service, ...found };
      }
      return undefined;
    };

    it('references in the rules and the dashboard only metrics some service exports (`up` is Prometheus\' own)', () => {
      const references = [
        ...expressions(),
        ...dashboard().templating.list.map((v) => ({ where: `variable ${v.name}`, expr: (typeof v.query === 'string' ? v.query : v.query.query).replace(/^label_values\(([^,]*),.*$/, '$1') })),
      ];
      const missing = references.flatMap(({ where, expr }) => metricNames(expr).filter((name) => name !== 'up' && !lookUp(name)).map((name) => `${where}: ${name}`));
      expect(missing).toEqual([]);
      // The issue's own list, to be sure the check above looked at something.
      const named = new Set(references.flatMap(({ expr }) => metricNames(expr)));
      for (const name of ['sokoul_dependency_up', 'sokoul_nats_consumer_pending', 'sokoul_messages_dead_lettered_total', 'sokoul_http_request_duration_seconds_count', 'sokoul_indexer_requests_total', 'sokoul_ai_circuit_open', 'sokoul_disk_free_bytes', 'sokoul_disk_size_bytes', 'sokoul_alerts_open', 'sokoul_downloads_finished_total', 'sokoul_search_duration_seconds_bucket', 'sokoul_cache_hits_total', 'sokoul_cache_misses_total', 'sokoul_download_speed_bytes', 'sokoul_download_progress_ratio', 'sokoul_downloads_active', 'sokoul_ai_inference_duration_seconds_bucket', 'sokoul_ai_verdicts_total', 'sokoul_ai_model_calls_total', 'sokoul_nats_consumer_ack_pending', 'sokoul_messages_processed_total', 'sokoul_message_handler_duration_seconds_bucket', 'process_resident_memory_bytes', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes', 'sokoul_cache_reads_total', 'sokoul_tmdb_circuit_open', 'up']) {
        expect(named).toContain(name);
      }
    });

    it('takes rate() and increase() of counters and histograms only, and histogram_quantile() of buckets', () => {
      const misuse = expressions().flatMap(({ where, expr }) => [
        ...[...expr.matchAll(/\b(?:rate|irate|increase)\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/g)]
          .map((m) => ({ name: m[1], found: lookUp(m[1]) }))
          .filter(({ found }) => !found || !(found.type === 'counter' || (found.type === 'histogram' && found.suffix !== '')))
          .map(({ name, found }) => `${where}: rate/increase of ${name} (${found?.type ?? 'not exported'})`),
        ...[...expr.matchAll(/histogram_quantile\([^,]+,[\s\S]*?\b(?:rate|irate|increase)\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/g)]
          .filter((m) => lookUp(m[1])?.suffix !== '_bucket')
          .map((m) => `${where}: histogram_quantile over ${m[1]}`),
      ]);
      expect(misuse).toEqual([]);
    });

    describe('scraped by a real Prometheus with this configuration and these rules', () => {
      let prometheus: ChildProcess;
      let api: string;
      const output: string[] = [];

      interface QueryAnswer {
        status: string;
        error?: string;
        data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      }
      const query = async (promql: string): Promise<QueryAnswer> =>
        (await (await fetch(`${api}/api/v1/query?${new URLSearchParams({ query: promql })}`)).json()) as QueryAnswer;

      beforeAll(async () => {
        // prometheus.yml as it is, but every second and at the ports the services got here.
        const config = readYaml<{ global: Record<string, string>; rule_files: string[]; scrape_configs: ScrapeConfig[] }>(join(PROMETHEUS, 'prometheus.yml'));
        config.global = { ...config.global, scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' };
        config.rule_files = config.rule_files.map((file) => join(PROMETHEUS, file));
        for (const job of config.scrape_configs) {
          job.scrape_interval = '1s';
          for (const group of job.static_configs) {
            group.targets = group.targets.map((target) => `127.0.0.1:${stack.services.find((s) => s.name === target.split(':')[0])!.port}`);
          }
        }
        writeFileSync(join(scratch, 'prometheus.yml'), stringify(config));
        const port = await freePort();
        api = `http://127.0.0.1:${port}`;
        prometheus = spawn(
          'prometheus',
          [`--config.file=${join(scratch, 'prometheus.yml')}`, `--storage.tsdb.path=${join(scratch, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        const started = new Promise<void>((resolve, reject) => {
          prometheus.once('spawn', resolve);
          prometheus.once('error', (error: NodeJS.ErrnoException) =>
            reject(error.code === 'ENOENT' ? new Error("prometheus is not on the PATH: run `bash tools/stack/test-tools.sh`") : error),
          );
        });
        prometheus.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
        prometheus.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
        await started;
        await eventually(async () => {
          const up = await query('up{job="sokoul"} == 1');
          expect(up.data?.result.length).toBe(SERVICES.length);
        }, 30_000, 250).catch((error: Error) => {
          throw new Error(`${error.message}\n${output.join('').slice(-3000)}`);
        });
      });

      afterAll(async () => {
        if (!prometheus || prometheus.exitCode !== null) return;
        const exited = new Promise((resolve) => prometheus.once('exit', resolve));
        prometheus.kill('SIGTERM');
        await exited;
      });

      it('sees all five up, and every series under the name of the service that exports it', async () => {
        const up = await query('up{job="sokoul"}');
        expect(up.data!.result.map((r) => [r.metric['service'], r.value[1]]).sort()).toEqual(SERVICES.map((name) => [name, '1']).sort());
        const memory = await query('process_resident_memory_bytes');
        expect(memory.data!.result.map((r) => r.metric['service']).sort()).toEqual([...SERVICES].sort());
        // honor_labels: the sentinel's count of another service's instances keeps that service's name.
        await eventually(async () => {
          const instances = await query('sokoul_service_instances');
          expect(instances.data!.result.map((r) => [r.metric['service'], r.metric['exported_service']]).sort()).toEqual(
            ['gateway', 'hunter', 'oracle', 'scout'].map((name) => [name, undefined]),
          );
        });
      });

      it('loads every rule of alerts.yml and evaluates each without error', async () => {
        const names = alertRules().map((r) => r.alert).sort();
        await eventually(async () => {
          const body = (await (await fetch(`${api}/api/v1/rules`)).json()) as { data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> } };
          const rules = body.data.groups.flatMap((g) => g.rules);
          expect(rules.map((r) => r.name).sort()).toEqual(names);
          expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([]);
        }, 15_000, 250);
      });

      it('answers every dashboard query without error', async () => {
        const failures: string[] = [];
        for (const panel of queryPanels()) {
          for (const target of panel.targets!) {
            const answer = await query(withGrafanaVariablesFilled(target.expr));
            if (answer.status !== 'success') failures.push(`panel "${panel.title}" ${target.refId}: ${answer.error}`);
          }
        }
        expect(failures).toEqual([]);
      });
    });
  });
});
