import { parseAlertSinks } from './alert-sinks.config';

describe('parseAlertSinks', () => {
  it('reads no sinks from an unset or blank variable', () => {
    expect(parseAlertSinks(undefined)).toEqual([]);
    expect(parseAlertSinks('')).toEqual([]);
    expect(parseAlertSinks('  , ')).toEqual([]);
  });

  it('reads format=url entries and names each sink by format and host', () => {
    const sinks = parseAlertSinks('ntfy=https://ntfy.sh/sokoul-alerts,discord=https://discord.com/api/webhooks/1/abc,json=https://hooks.example.org/sokoul');

    expect(sinks).toEqual([
      { name: 'ntfy:ntfy.sh', format: 'ntfy', url: 'https://ntfy.sh/sokoul-alerts' },
      { name: 'discord:discord.com', format: 'discord', url: 'https://discord.com/api/webhooks/1/abc' },
      { name: 'json:hooks.example.org', format: 'json', url: 'https://hooks.example.org/sokoul' },
    ]);
  });

  it('tolerates spaces, a trailing comma, an upper-case format, a port and "=" inside the URL', () => {
    expect(parseAlertSinks(' SLACK = https://hooks.slack.com/services/T0/B0/xyz , json=http://relay.lan:8080/in?token=a=b ,')).toEqual([ // secretlint-disable-line -- a fixture, not a credential
      { name: 'slack:hooks.slack.com', format: 'slack', url: 'https://hooks.slack.com/services/T0/B0/xyz' }, // secretlint-disable-line -- a fixture, not a credential
      { name: 'json:relay.lan:8080', format: 'json', url: 'http://relay.lan:8080/in?token=a=b' },
    ]);
  });

  it('tells two sinks on the same host apart by number', () => {
    const names = parseAlertSinks('discord=https://discord.com/api/webhooks/1/a,discord=https://discord.com/api/webhooks/2/b,discord=https://discord.com/api/webhooks/3/c').map((s) => s.name);
    expect(names).toEqual(['discord:discord.com', 'discord:discord.com#2', 'discord:discord.com#3']);
  });

  it('rejects an unknown format, naming the entry and the format but not the URL', () => {
    const parse = () => parseAlertSinks('ntfy=https://ntfy.sh/a,teams=https://outlook.office.com/webhook/SECRET-123456');
    expect(parse).toThrow("SENTINEL_ALERT_WEBHOOKS entry 2: unknown format 'teams' (expected one of json, ntfy, discord, slack)");
    expect(errorOf(parse)).not.toContain('SECRET-123456');
  });

  it('rejects a bare URL without echoing it (its path may be the token)', () => {
    const parse = () => parseAlertSinks('https://discord.com/api/webhooks/1/SECRET-TOKEN?x=1');
    expect(parse).toThrow('SENTINEL_ALERT_WEBHOOKS entry 1: expected format=url');
    expect(errorOf(parse)).not.toMatch(/SECRET|discord\.com|webhooks/);
  });

  it.each([
    ['ntfy=ftp://ntfy.example.org/secret-topic', 'SENTINEL_ALERT_WEBHOOKS entry 1 (ntfy): expected an http or https URL, not ftp'],
    ['slack=file:///etc/secret-topic', 'SENTINEL_ALERT_WEBHOOKS entry 1 (slack): expected an http or https URL, not file'],
    ['discord=not a url/secret-topic', 'SENTINEL_ALERT_WEBHOOKS entry 1 (discord): not a URL'],
    ['json=', 'SENTINEL_ALERT_WEBHOOKS entry 1 (json): not a URL'],
  ])('rejects %s without echoing the URL', (value, message) => {
    const parse = () => parseAlertSinks(value);
    expect(parse).toThrow(message);
    expect(errorOf(parse)).not.toContain('secret-topic');
  });
});

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}
