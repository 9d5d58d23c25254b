import { startGatewayTestApp } from '@sokoul/gateway/testing';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type JetStreamManager, type NatsConnection, connect } from 'nats';
import request from 'supertest';
import { type Envelope, type QualityProfileChanged, Streams, Subjects } from '@sokoul/contracts';
import { AccessTokenService } from '@sokoul/gateway/access';
import { Wire } from '@sokoul/messaging';
import { AuditLogRepository, QualityProfileRepository } from '@sokoul/persistence';
import { DEFAULT_QUALITY_PROFILES, qualityProfileSchema } from '@sokoul/release-ranking';
import { removeNamespace, testEnvironment, uniqueNamespace } from '@sokoul/testing';
import type { QualityProfileDto } from './quality-profile.dto';
import { QualityProfilesModule } from './quality-profiles.module';
import { QualityProfilesService } from './quality-profiles.service';

jest.setTimeout(30_000);

const RULES = { qualities: ['Bluray-2160p', 'WEBDL-2160p'], cutoff: 'WEBDL-2160p' };

describe('quality profiles over HTTP (real Postgres, NATS JetStream)', () => {
  const namespace = uniqueNamespace('profiles');
  const wire = new Wire(namespace);
  let app: INestApplication;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let adminToken: string;
  let userToken: string;
  const adminId = randomUUID();

  const http = () => request(app.getHttpServer());
  const as = (test: request.Test, token: string) => test.set('Authorization', `Bearer ${token}`);
  const get = (path: string, token = adminToken) => as(http().get(path), token);
  const post = (path: string, body: object, token = adminToken) => as(http().post(path), token).send(body);
  const patch = (path: string, body: object, token = adminToken) => as(http().patch(path), token).send(body);
  const del = (path: string, token = adminToken) => as(http().delete(path), token);

  function expectProblem(response: request.Response, status: number, type: string): void {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: `https://sokoul.dev/problems/${type}`, status });
  }

  async function profiles(): Promise<QualityProfileDto[]> {
    const response = await get('/api/v1/quality-profiles');
    expect(response.status).toBe(200);
    return response.body as QualityProfileDto[];
  }

  async function created(name: string, rules: object = RULES, isDefault = false): Promise<QualityProfileDto> {
    const response = await post('/api/v1/quality-profiles', { name, rules, isDefault });
    expect(response.status).toBe(201);
    return response.body as QualityProfileDto;
  }

  /** Every quality-profile.changed message stored in the namespace's events stream, oldest first. */
  async function announced(): Promise<Array<Envelope<QualityProfileChanged>>> {
    const stream = wire.stream(Streams.events);
    const { state } = await jsm.streams.info(stream);
    const envelopes: Array<Envelope<QualityProfileChanged>> = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const message = await jsm.streams.getMessage(stream, { seq });
      if (message.subject === wire.subject(Subjects.qualityProfileChanged)) envelopes.push(message.json<Envelope<QualityProfileChanged>>());
    }
    return envelopes;
  }

  beforeAll(async () => {
    app = await startGatewayTestApp({ namespace, imports: [QualityProfilesModule], messaging: true });
    const tokens = app.get(AccessTokenService);
    adminToken = await tokens.sign(adminId, 'admin');
    userToken = await tokens.sign(randomUUID(), 'user');
    nc = await connect({ servers: testEnvironment.NATS_URL });
    jsm = await nc.jetstreamManager();
  });

  afterAll(async () => {
    await app?.close();
    await nc?.close();
    await removeNamespace(namespace);
  });

  describe('a fresh installation', () => {
    it('starts with the default profiles, exactly one of them the default and listed first, readable by every user', async () => {
      const response = await get('/api/v1/quality-profiles', userToken);

      expect(response.status).toBe(200);
      const seeded = response.body as QualityProfileDto[];
      expect(seeded.map((p) => p.name).sort()).toEqual(DEFAULT_QUALITY_PROFILES.map((p) => p.profile.name).sort());
      expect(seeded.filter((p) => p.isDefault).map((p) => p.name)).toEqual([DEFAULT_QUALITY_PROFILES.find((p) => p.isDefault)!.profile.name]);
      expect(seeded[0].isDefault).toBe(true);
      expect(seeded[0].rules).not.toHaveProperty('name');
      expect((await get(`/api/v1/quality-profiles/${seeded[1].id}`, userToken)).body).toEqual(seeded[1]);
    });

    it('seeds once: a restart (or a second replica) leaves the profiles as they are', async () => {
      const before = await profiles();

      await app.get(QualityProfilesService).onApplicationBootstrap();

      expect(await profiles()).toEqual(before);
    });

    it('stores rules the ranking reads as they are (the whole profile, name included)', async () => {
      const [first] = await profiles();
      const stored = await app.get(QualityProfileRepository).findById(first.id);

      expect(qualityProfileSchema.parse(stored!.rules)).toEqual(stored!.rules);
      expect(stored!.rules['name']).toBe(first.name);
    });
  });

  describe('creating', () => {
    it('answers 201 with the profile, defaults applied, and announces it', async () => {
      const profile = await created('Ultra-HD web');

      expect(profile).toEqual({
        id: expect.any(String),
        name: 'Ultra-HD web',
        isDefault: false,
        rules: { ...RULES, terms: [], minSeeders: 1 },
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const message = (await announced()).find((m) => m.payload.profileId === profile.id);
      expect(message).toMatchObject({ type: 'quality-profile.changed', payload: { profileId: profile.id, change: 'created', isDefault: false } });
      expect(message!.id).toBe(`quality-profile.created:${profile.id}:${profile.updatedAt}`);
    });

    it.each([
      ['a cutoff that is not among the qualities', { rules: { qualities: ['WEBDL-1080p'], cutoff: 'Bluray-2160p' } }, '/rules/cutoff', "cutoff Bluray-2160p is not one of the profile's qualities"],
      ['a quality listed twice', { rules: { qualities: ['WEBDL-1080p', 'WEBDL-1080p'], cutoff: 'WEBDL-1080p' } }, '/rules/qualities/1', 'WEBDL-1080p is listed twice'],
      ['an unknown quality', { rules: { qualities: ['8K'], cutoff: 'WEBDL-1080p' } }, '/rules/qualities/0', expect.stringContaining('unknown quality "8K"')],
      ['a preferred term without a score', { rules: { ...RULES, terms: [{ term: 'HDR', kind: 'preferred' }] } }, '/rules/terms/0/score', 'a preferred term needs a score'],
      ['an unknown field in the rules', { rules: { ...RULES, upgrade: true } }, '/rules', 'unknown field(s): upgrade'],
      ['an unknown field', { rules: RULES, id: randomUUID() }, '/', expect.stringContaining('unknown field(s): id')],
      ['a name over 64 characters', { name: 'x'.repeat(65), rules: RULES }, '/name', 'name must be at most 64 characters'],
    ])('refuses %s with a 400 problem naming the field', async (_case, body, pointer, detail) => {
      const before = (await profiles()).length;

      const response = await post('/api/v1/quality-profiles', { name: 'Refused', ...body });

      expectProblem(response, 400, 'validation');
      expect(response.body.errors).toEqual([{ pointer, detail }]);
      expect(await profiles()).toHaveLength(before);
    });

    it('refuses a name already taken, whatever its letter case, with 409', async () => {
      expectProblem(await post('/api/v1/quality-profiles', { name: 'ultra-hd WEB', rules: RULES }), 409, 'quality-profile-exists');
    });
  });

  describe('changing', () => {
    it('makes a profile the default, and the previous default stops being one', async () => {
      const previous = (await profiles()).find((p) => p.isDefault)!;
      const profile = await created('Becomes default');

      const response = await patch(`/api/v1/quality-profiles/${profile.id}`, { isDefault: true });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: profile.id, isDefault: true, rules: profile.rules });
      const now = await profiles();
      expect(now.filter((p) => p.isDefault).map((p) => p.id)).toEqual([profile.id]);
      expect(now.find((p) => p.id === previous.id)!.isDefault).toBe(false);
      expect((await announced()).at(-1)).toMatchObject({
        id: `quality-profile.updated:${profile.id}:${response.body.updatedAt}`,
        payload: { profileId: profile.id, change: 'updated', isDefault: true },
      });
    });

    it('renames and replaces the rules, validating them with the name as one profile', async () => {
      const profile = await created('To rework');

      const renamed = await patch(`/api/v1/quality-profiles/${profile.id}`, { name: 'Reworked', rules: { qualities: ['WEBDL-1080p'], cutoff: 'WEBDL-1080p', minSeeders: 5 } });
      const invalid = await patch(`/api/v1/quality-profiles/${profile.id}`, { rules: { qualities: ['WEBDL-1080p'], cutoff: 'WEBDL-720p' } });

      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: 'Reworked', rules: { qualities: ['WEBDL-1080p'], cutoff: 'WEBDL-1080p', minSeeders: 5, terms: [] } });
      expectProblem(invalid, 400, 'validation');
      expect(invalid.body.errors).toEqual([{ pointer: '/rules/cutoff', detail: "cutoff WEBDL-720p is not one of the profile's qualities" }]);
      expect((await get(`/api/v1/quality-profiles/${profile.id}`)).body.rules.cutoff).toBe('WEBDL-1080p');
      expect(((await app.get(QualityProfileRepository).findById(profile.id))!.rules)['name']).toBe('Reworked');
    });

    it.each([
      ['isDefault: false (make another the default instead)', { isDefault: false }, '/isDefault'],
      ['nothing to change', {}, '/'],
      ['an unknown field', { isDefault: true, role: 'admin' }, '/'],
    ])('refuses %s with 400', async (_case, body, pointer) => {
      const [profile] = await profiles();

      const response = await patch(`/api/v1/quality-profiles/${profile.id}`, body);

      expectProblem(response, 400, 'validation');
      expect(response.body.errors[0].pointer).toBe(pointer);
    });

    it('answers 404 for a profile that does not exist, and 409 for a taken name', async () => {
      const [first, second] = await profiles();

      expectProblem(await patch(`/api/v1/quality-profiles/${randomUUID()}`, { name: 'Nobody' }), 404, 'quality-profile-not-found');
      expectProblem(await patch(`/api/v1/quality-profiles/${second.id}`, { name: first.name.toUpperCase() }), 409, 'quality-profile-exists');
    });
  });

  describe('deleting', () => {
    it('refuses to delete the default profile with 409', async () => {
      const defaultProfile = (await profiles()).find((p) => p.isDefault)!;

      expectProblem(await del(`/api/v1/quality-profiles/${defaultProfile.id}`), 409, 'quality-profile-is-default');
      expect((await get(`/api/v1/quality-profiles/${defaultProfile.id}`)).status).toBe(200);
    });

    it('deletes another profile with 204 and announces it', async () => {
      const profile = await created('Short-lived');

      expect((await del(`/api/v1/quality-profiles/${profile.id}`)).status).toBe(204);

      expectProblem(await get(`/api/v1/quality-profiles/${profile.id}`), 404, 'quality-profile-not-found');
      expectProblem(await del(`/api/v1/quality-profiles/${profile.id}`), 404, 'quality-profile-not-found');
      expect((await announced()).at(-1)).toMatchObject({ payload: { profileId: profile.id, change: 'deleted', isDefault: false } });
    });
  });

  describe('who may', () => {
    it('lets a user read profiles but not create, change or delete them (403), and nothing is announced', async () => {
      const [profile] = await profiles();
      const before = (await announced()).length;

      expect((await get(`/api/v1/quality-profiles/${profile.id}`, userToken)).status).toBe(200);
      expectProblem(await post('/api/v1/quality-profiles', { name: 'Mine', rules: RULES }, userToken), 403, 'forbidden');
      expectProblem(await patch(`/api/v1/quality-profiles/${profile.id}`, { name: 'Mine' }, userToken), 403, 'forbidden');
      expectProblem(await del(`/api/v1/quality-profiles/${profile.id}`, userToken), 403, 'forbidden');
      expect(await announced()).toHaveLength(before);
      expect((await profiles()).map((p) => p.name)).not.toContain('Mine');
    });
  });

  it('audits every change with the profile id and name', async () => {
    const entries = await app.get(AuditLogRepository).query({ action: 'quality_profile.changed', limit: 100 });

    expect(entries.map((e) => e.details['change']).sort()).toEqual(expect.arrayContaining(['created', 'deleted', 'updated']));
    expect(entries.every((e) => e.actorUserId === adminId && e.targetType === 'quality_profile' && typeof e.details['name'] === 'string')).toBe(true);
    expect(entries).toHaveLength((await announced()).length);
  });
});
