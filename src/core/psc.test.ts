import { describe, expect, it } from 'vitest';
import { DEV_PROFESSIONALS, pscClaimsOf } from '../../server/identity/dev-professionals.ts';
import { isPhysician, professionalFromClaims, professionLabel } from './psc.ts';

/** A userinfo answer shaped as Pro Santé Connect's (BAS environment), trimmed. */
const pscUserinfo = {
  sub: 'f:550dc1c8-d97b-4b1e-ac8c-8eb4471cf9dd:ANS20210107161422',
  SubjectNameID: '899700218896',
  preferred_username: '899700218896',
  given_name: 'Paul',
  family_name: 'OIDC',
  email_verified: false,
  SubjectOrganization: 'CAB MED BIS TOUBIB0023550',
  Palier_Authentification: 'APPPRIP3^1.2.250.1.213.1.5.1.1.1',
  SubjectRefPro: {
    codeCivilite: 'M',
    exercices: [
      {
        codeProfession: '10',
        codeCategorieProfessionnelle: 'C',
        codeCiviliteDexercice: 'DR',
        nomDexercice: 'Docteur OIDC',
        prenomDexercice: 'Paul',
        codeTypeSavoirFaire: '',
        codeSavoirFaire: '',
        activities: [{ codeModeExercice: 'L', codeSecteurDactivite: 'SA07', raisonSocialeSite: 'CAB MED BIS' }],
      },
    ],
  },
};

describe('Pro Santé Connect claims → professional', () => {
  it('maps a PSC userinfo: IDNPS, the RPPS it wraps, name of practice, Dr, professions, site', () => {
    expect(professionalFromClaims(pscUserinfo)).toEqual({
      ok: true,
      professional: {
        idNps: '899700218896',
        rpps: '99700218896',
        title: 'Dr',
        familyName: 'Docteur OIDC',
        givenName: 'Paul',
        professions: ['10'],
        organization: 'CAB MED BIS',
      },
    });
  });

  it('maps every seeded professional of the development provider, with their MSSanté address and FINESS', () => {
    const mapped = DEV_PROFESSIONALS.map((p) => professionalFromClaims(pscClaimsOf(p)));
    expect(mapped.map((m) => m.ok && m.professional.professions)).toEqual([
      ['10'],
      ['60'],
      ['50'],
      ['21'],
      ['10'],
      [],
      [],
    ]);
    expect(mapped.every((m) => m.ok && m.professional.mssante?.endsWith('.mssante.fr'))).toBe(true);
    expect(mapped.map((m) => m.ok && isPhysician(m.professional))).toEqual([
      true,
      false,
      false,
      false,
      true,
      false,
      false,
    ]);
    // The FINESS from the exercise's site, or from SubjectOrganizationID for staff without one.
    expect(mapped.map((m) => m.ok && m.professional.organizationId)).toEqual(DEV_PROFESSIONALS.map((p) => p.finess));
  });

  it('takes a FINESS only when it reads as one', () => {
    const claims = { ...pscUserinfo, SubjectOrganizationID: 'CH DE NULLE PART', SubjectRefPro: { exercices: [] } };
    const result = professionalFromClaims(claims);
    expect(result.ok && result.professional.organizationId).toBeUndefined();
  });

  it('takes the IDNPS from SubjectNameID first, and wraps no RPPS for an ADELI-based one', () => {
    const adeli = { ...pscUserinfo, SubjectNameID: '0751234567', preferred_username: 'other' };
    const result = professionalFromClaims(adeli);
    expect(result.ok && result.professional.idNps).toBe('0751234567');
    expect(result.ok && result.professional.rpps).toBeUndefined();
  });

  it('keeps several exercices as several professions, once each, and drops a malformed one', () => {
    const claims = {
      ...pscUserinfo,
      SubjectRefPro: {
        exercices: [
          ...pscUserinfo.SubjectRefPro.exercices,
          { codeProfession: '21' },
          { codeProfession: '10' },
          { codeProfession: 'médecin' },
          'junk',
        ],
      },
    };
    const result = professionalFromClaims(claims);
    expect(result.ok && result.professional.professions).toEqual(['10', '21']);
  });

  it('falls back to given_name / family_name without exercices, with no profession', () => {
    const result = professionalFromClaims({ ...pscUserinfo, SubjectRefPro: undefined });
    expect(result).toMatchObject({
      ok: true,
      professional: { familyName: 'OIDC', givenName: 'Paul', professions: [] },
    });
  });

  it('refuses claims without an IDNPS or a name, and junk', () => {
    expect(professionalFromClaims({ ...pscUserinfo, SubjectNameID: undefined, preferred_username: undefined })).toEqual(
      {
        ok: false,
        problem: 'no-idnps',
      },
    );
    expect(professionalFromClaims({ ...pscUserinfo, SubjectNameID: '<script>' })).toEqual({
      ok: false,
      problem: 'no-idnps',
    });
    expect(
      professionalFromClaims({ ...pscUserinfo, family_name: undefined, SubjectRefPro: { exercices: [] } }),
    ).toEqual({ ok: false, problem: 'no-name' });
    expect(professionalFromClaims('a string')).toEqual({ ok: false, problem: 'malformed' });
    expect(professionalFromClaims({ SubjectNameID: '899700218896' })).toEqual({ ok: false, problem: 'malformed' });
  });

  it('takes an email as MSSanté address only on an mssante.fr domain', () => {
    const personal = professionalFromClaims({ ...pscUserinfo, email: 'paul@gmail.com' });
    expect(personal.ok && personal.professional.mssante).toBeUndefined();
    const mss = professionalFromClaims({ ...pscUserinfo, email: 'Paul.Oidc@medecin.mssante.fr' });
    expect(mss.ok && mss.professional.mssante).toBe('paul.oidc@medecin.mssante.fr');
  });

  it('labels TRE_G15 professions in French', () => {
    expect(['10', '21', '50', '60'].map(professionLabel)).toEqual(['Médecin', 'Pharmacien', 'Sage-femme', 'Infirmier']);
    expect(professionLabel('99')).toBe('Profession 99');
  });
});
