import { gatewayConfigSchema } from './config';

const base = { AUTH_JWT_SECRET: 's'.repeat(40), SECRETS_ENCRYPTION_KEY: 'e'.repeat(40) };
const parse = (env: Record<string, string>) => gatewayConfigSchema.safeParse({ ...base, ...env });

describe('gateway configuration', () => {
  describe('GATEWAY_TRUST_PROXY', () => {
    it('trusts no proxy when empty or unset', () => {
      expect(parse({}).data?.GATEWAY_TRUST_PROXY).toBeUndefined();
      expect(parse({ GATEWAY_TRUST_PROXY: ' ' }).data?.GATEWAY_TRUST_PROXY).toBeUndefined();
    });

    it('reads a hop count', () => {
      expect(parse({ GATEWAY_TRUST_PROXY: '2' }).data?.GATEWAY_TRUST_PROXY).toBe(2);
    });

    it('reads addresses, CIDRs and Express names', () => {
      expect(parse({ GATEWAY_TRUST_PROXY: '10.0.0.0/8, loopback,fd00::1' }).data?.GATEWAY_TRUST_PROXY).toEqual(['10.0.0.0/8', 'loopback', 'fd00::1']);
    });

    it.each(['true', '*', 'proxy.example.org', '10.0.0.0/8,everyone'])('refuses %p, naming what it expects', (value) => {
      const result = parse({ GATEWAY_TRUST_PROXY: value });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]).toMatchObject({ path: ['GATEWAY_TRUST_PROXY'], message: expect.stringContaining('hop count') });
    });
  });

  describe('AUTH_REGISTRATION', () => {
    it.each(['open', 'invite', 'closed'])('accepts %p', (mode) => {
      expect(parse({ AUTH_REGISTRATION: mode }).data?.AUTH_REGISTRATION).toBe(mode);
    });

    it('refuses anything else', () => {
      expect(parse({ AUTH_REGISTRATION: 'sometimes' }).success).toBe(false);
    });
  });
});
