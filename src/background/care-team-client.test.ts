import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { givenPatient } from '../../test/support/builders.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import { changeCareTeam, readCareTeam } from './care-team-client.ts';

let platform: TestPlatform;
let baseUrl: string;
const PHYSICIAN = '899700100011';
const NURSE = '899700100029';

beforeEach(async () => {
  platform = await testPlatform(
    {},
    {
      seed: async (db) =>
        void (await Promise.all(['nguyen', 'casanova', 'dubois'].map((id) => givenPatient(db, { id })))),
    },
  );
  baseUrl = await platform.app.listen({ host: '127.0.0.1', port: 0 });
});
afterEach(() => platform.close());

const options = async (as: 'physician' | 'nurse') => ({
  baseUrl,
  accessToken: await platform.issuer.mint(as === 'nurse' ? { as: 'nurse' } : {}),
  myIdNps: as === 'nurse' ? NURSE : PHYSICIAN,
});

describe('care circle client against the real platform', () => {
  it('joins, and lists the current members with profession and MSSanté, the signed-in one marked', async () => {
    expect(await readCareTeam('nguyen', await options('physician'))).toEqual({ status: 'ok', members: [] });
    await changeCareTeam('join', 'nguyen', 'key-nurse-0001', await options('nurse'));
    const joined = await changeCareTeam('join', 'nguyen', 'key-phys-0001', await options('physician'));
    expect(joined).toEqual({
      status: 'ok',
      members: [
        expect.objectContaining({
          name: 'Thomas PERRIN',
          profession: 'Infirmier',
          organization: 'CENTRE HOSPITALIER DE DEMONSTRATION',
          me: false,
          mt: false,
        }),
        expect.objectContaining({
          name: 'Dr Julien MOREAU',
          profession: 'Médecin',
          mssante: 'julien.moreau@ch-demo.mssante.fr',
          me: true,
        }),
      ],
    });
  });

  it('does not list a member who left', async () => {
    await changeCareTeam('join', 'nguyen', 'key-physician-0001', await options('physician'));
    await changeCareTeam('join', 'nguyen', 'key-nurse-0001', await options('nurse'));
    const left = await changeCareTeam('leave', 'nguyen', 'key-nurse-0002', await options('nurse'));
    expect(left.status === 'ok' && left.members.map((m) => m.name)).toEqual(['Dr Julien MOREAU']);
  });

  it('declares the médecin traitant, shown as such; a nurse is refused with the platform’s reason', async () => {
    const mt = await changeCareTeam('join-mt', 'casanova', 'key-mt-0001', await options('physician'));
    expect(mt).toEqual({
      status: 'ok',
      members: [expect.objectContaining({ name: 'Dr Julien MOREAU', mt: true, me: true })],
    });
    const nurse = await changeCareTeam('join-mt', 'casanova', 'key-mt-0002', await options('nurse'));
    expect(nurse).toEqual({
      status: 'unavailable',
      reason: 'forbidden',
      detail: 'Seul un médecin peut se déclarer médecin traitant.',
    });
  });

  it('sends the same idempotency key on a retry: the circle changes once', async () => {
    const fetch = vi.fn(globalThis.fetch);
    const opts = { ...(await options('nurse')), fetch };
    await changeCareTeam('join', 'dubois', 'key-retry-0001', opts);
    await changeCareTeam('join', 'dubois', 'key-retry-0001', opts);
    const keys = fetch.mock.calls.map(([, init]) => (init?.headers as Record<string, string>)['idempotency-key']);
    expect(keys).toEqual(['key-retry-0001', 'key-retry-0001']);
    const circle = await readCareTeam('dubois', opts);
    expect(circle.status === 'ok' && circle.members).toHaveLength(1);
  });

  it('asks nothing when signed out, and says why when the platform is unreachable', async () => {
    expect(await readCareTeam('nguyen', { baseUrl, accessToken: undefined, myIdNps: undefined })).toEqual({
      status: 'signed-out',
    });
    expect(
      await changeCareTeam('join', 'nguyen', 'key-down-0001', {
        baseUrl: 'http://127.0.0.1:9',
        accessToken: 'x',
        myIdNps: PHYSICIAN,
      }),
    ).toEqual({ status: 'unavailable', reason: 'unreachable' });
  });
});
