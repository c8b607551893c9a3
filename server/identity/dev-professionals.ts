/**
 * Fictitious professionals of the development identity provider. Their RPPS numbers are in a
 * test range (`997…`) and pass the Luhn check; their claims have the shape of Pro Santé Connect's
 * userinfo (docs/domain.md), so that the platform and the extension read them as they would PSC's.
 */
export interface DevProfessional {
  /** Account id at the provider; PSC's `sub` is opaque too (`f:<uuid>:<id>`). */
  accountId: string;
  rpps: string;
  /** `codeCivilite` of PSC; `Dr` is the civility of practice (`codeCiviliteDexercice`). */
  civility: 'M' | 'MME';
  doctor: boolean;
  familyName: string;
  givenName: string;
  /** None for staff without a health profession (the imaging secretariat). */
  profession?: { code: string; label: string; category: 'C' | 'E'; savoirFaire?: string };
  /** What the staff member does, for the login page, when they have no profession. */
  job?: string;
  /** The IDNPS when it is not `8` + RPPS (staff: `3` + an establishment's internal number). */
  idNps?: string;
  organization: string;
  /** The organisation's FINESS (fictitious: department `99` does not exist). */
  finess: string;
  mssante: string;
}

const CH = 'CENTRE HOSPITALIER DE DEMONSTRATION';
/** Fictitious FINESS numbers of the demo's structures. */
export const DEMO_FINESS = {
  hospital: '990000013',
  pharmacy: '990000021',
  imaging: '990000039',
  /** The demo's emergency regulation structure (SAMU, centre 15). */
  samu: '990000047',
} as const;

export const DEV_PROFESSIONALS: readonly DevProfessional[] = [
  {
    accountId: 'f:passerelle-dev:physician',
    rpps: '99700100011',
    civility: 'M',
    doctor: true,
    familyName: 'MOREAU',
    givenName: 'Julien',
    profession: { code: '10', label: 'Médecin', category: 'C', savoirFaire: 'SM54' },
    organization: CH,
    finess: DEMO_FINESS.hospital,
    mssante: 'julien.moreau@ch-demo.mssante.fr',
  },
  {
    accountId: 'f:passerelle-dev:nurse',
    rpps: '99700100029',
    civility: 'M',
    doctor: false,
    familyName: 'PERRIN',
    givenName: 'Thomas',
    profession: { code: '60', label: 'Infirmier', category: 'C' },
    organization: CH,
    finess: DEMO_FINESS.hospital,
    mssante: 'thomas.perrin@ch-demo.mssante.fr',
  },
  {
    accountId: 'f:passerelle-dev:midwife',
    rpps: '99700100037',
    civility: 'MME',
    doctor: false,
    familyName: 'KONATÉ',
    givenName: 'Awa',
    profession: { code: '50', label: 'Sage-femme', category: 'C' },
    organization: CH,
    finess: DEMO_FINESS.hospital,
    mssante: 'awa.konate@ch-demo.mssante.fr',
  },
  {
    accountId: 'f:passerelle-dev:pharmacist',
    rpps: '99700100045',
    civility: 'M',
    doctor: false,
    familyName: 'FABRE',
    givenName: 'Louis',
    profession: { code: '21', label: 'Pharmacien', category: 'C' },
    organization: 'PHARMACIE DE DEMONSTRATION',
    finess: DEMO_FINESS.pharmacy,
    mssante: 'louis.fabre@pharmacie-demo.mssante.fr',
  },
  {
    accountId: 'f:passerelle-dev:regulator',
    rpps: '99700100052',
    civility: 'MME',
    doctor: true,
    familyName: 'LEROY',
    givenName: 'Nadia',
    profession: { code: '10', label: 'Médecin régulateur', category: 'C', savoirFaire: 'SM54' },
    organization: 'SAMU DE DEMONSTRATION (CENTRE 15)',
    finess: DEMO_FINESS.samu,
    mssante: 'nadia.leroy@samu-demo.mssante.fr',
  },
  {
    accountId: 'f:passerelle-dev:secretariat',
    rpps: '',
    idNps: '3999700000017',
    civility: 'MME',
    doctor: false,
    familyName: 'RENAUD',
    givenName: 'Claire',
    job: 'Secrétariat d’imagerie',
    organization: 'CENTRE D’IMAGERIE DE DEMONSTRATION',
    finess: DEMO_FINESS.imaging,
    mssante: 'secretariat@imagerie-demo.mssante.fr',
  },
  {
    accountId: 'f:passerelle-dev:privacy-officer',
    rpps: '',
    idNps: '3999700000025',
    civility: 'MME',
    doctor: false,
    familyName: 'DUMAS',
    givenName: 'Sophie',
    job: 'Déléguée à la protection des données',
    organization: 'CENTRE HOSPITALIER DE DEMONSTRATION',
    finess: DEMO_FINESS.hospital,
    mssante: 'dpo@ch-demo.mssante.fr',
  },
];

/** The demo privacy officer's IDNPS: an audit reader (break-glass review) in `npm start`. */
export const DEMO_PRIVACY_OFFICER = '3999700000025';
/** The demo imaging secretariat's IDNPS: allowed to issue share codes in `npm start`. */
export const DEMO_SECRETARIAT = '3999700000017';

export const findDevProfessional = (accountId: string) => DEV_PROFESSIONALS.find((p) => p.accountId === accountId);

/** The professional's claims, named and nested as Pro Santé Connect's userinfo names them. */
export function pscClaimsOf(p: DevProfessional): { sub: string } & Record<string, unknown> {
  const idNps = p.idNps ?? `8${p.rpps}`;
  return {
    sub: p.accountId,
    SubjectNameID: idNps,
    preferred_username: idNps,
    given_name: p.givenName,
    family_name: p.familyName,
    email: p.mssante,
    SubjectOrganization: p.organization,
    SubjectOrganizationID: p.finess,
    SubjectRefPro: {
      codeCivilite: p.civility,
      exercices: (p.profession ? [p.profession] : []).map((profession) => ({
        codeProfession: profession.code,
        codeCategorieProfessionnelle: profession.category,
        codeCiviliteDexercice: p.doctor ? 'DR' : '',
        nomDexercice: p.familyName,
        prenomDexercice: p.givenName,
        codeTypeSavoirFaire: profession.savoirFaire ? 'S' : '',
        codeSavoirFaire: profession.savoirFaire ?? '',
        activities: [
          {
            codeModeExercice: 'S',
            codeSecteurDactivite: 'SA01',
            raisonSocialeSite: p.organization,
            numeroFinessSite: p.finess,
          },
        ],
      })),
    },
  };
}

/** Claim names of scope `scope_all`, for the provider's claims configuration. */
export const PSC_CLAIM_NAMES = [
  'SubjectNameID',
  'preferred_username',
  'given_name',
  'family_name',
  'email',
  'SubjectOrganization',
  'SubjectOrganizationID',
  'SubjectRefPro',
] as const;
