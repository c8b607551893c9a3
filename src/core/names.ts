/**
 * Patient names as clinicians' software prints them, split into the strict traits where the form
 * says which part is which (docs/domain.md "Strict traits": birth name, first given names; the used name
 * is not a strict trait). When it does not (all capitals, one word), the name is left whole for a
 * token comparison rather than guessed.
 *
 *   DUPONT Marie              family name in capitals first (French record convention)
 *   Marie DUPONT              given names first, family name in capitals
 *   DUPONT^MARIE^CLAIRE       HL7 v2 XPN (family^given^second given)
 *   DUPONT Marie née MARTIN   used name, given names, then the birth name
 *   MARTIN ép. DUPONT Marie   birth name, then the spouse's (used) name
 *   Mme DUPONT (née MARTIN) Marie, M. LE GALL Yann, N'DIAYE Awa, DE LA FONTAINE Jean-Pierre
 */

export interface PrintedName {
  /** Nom de naissance, when the form says which part it is. */
  birthName?: string;
  /** Nom utilisé, when printed besides the birth name. */
  usedName?: string;
  givenNames?: string;
  /** The name as printed, when its parts cannot be told apart. */
  displayName?: string;
}

const CIVILITY = /^(?:m\.|mr\.?|mme\.?|mlle\.?|mrs\.?|ms\.?|madame|monsieur|mademoiselle|dr\.?|pr\.?)\s+/iu;
// "née MARTIN", "(née LE GALL)", "né DUPONT": the birth name in capitals after the participle.
const BIRTH = /\s*\(?(?<![\p{L}])[Nn][ée]e?\s+(\p{Lu}[\p{Lu}'’ -]*\p{Lu})\)?(?=[\s)]|$)/u;
const SPOUSE = /\s+(?:[ée]p(?:ouse|oux)?\.?|veuve|vve\.?|usage\s*:?)\s+/iu;

/** A word printed in capitals: DUPONT, LE, N'DIAYE, D'ARC, MARTIN-DURAND, O’BRIEN. */
const isUpperWord = (w: string) => /^\p{Lu}[\p{Lu}'’-]*\p{Lu}$/u.test(w);
/** A word in mixed case: Marie, Jean-Pierre, Anne-Sophie. */
const isMixedWord = (w: string) => /^\p{Lu}[\p{Ll}'’-]/u.test(w) && /\p{Ll}/u.test(w);

const clean = (s: string) => s.replace(/\s+/g, ' ').trim();

function splitCapitals(words: string[]): { family: string; given: string } | undefined {
  const upper = words.map(isUpperWord);
  const mixed = words.map(isMixedWord);
  if (!upper.some(Boolean) || !mixed.some(Boolean)) return undefined;
  if (!words.every((_, i) => upper[i] || mixed[i])) return undefined;
  const firstMixed = upper.indexOf(false);
  const firstUpper = upper.indexOf(true);
  // DUPONT Marie Claire: capitals then mixed case, and nothing in capitals after.
  if (firstUpper === 0 && upper.slice(firstMixed).every((u) => !u)) {
    return { family: words.slice(0, firstMixed).join(' '), given: words.slice(firstMixed).join(' ') };
  }
  // Marie Claire DUPONT: mixed case then capitals to the end.
  if (firstMixed === 0 && upper.slice(firstUpper).every(Boolean)) {
    return { family: words.slice(firstUpper).join(' '), given: words.slice(0, firstUpper).join(' ') };
  }
  return undefined;
}

export function parsePrintedName(raw: string): PrintedName {
  let s = clean(raw).replace(CIVILITY, '');
  if (!s) return {};

  // HL7 v2 XPN: family^given^second given^suffix^prefix.
  if (s.includes('^')) {
    const [family = '', ...given] = s.split('^').map(clean);
    const givenNames = clean(given.slice(0, 2).join(' '));
    return family ? { birthName: family, ...(givenNames ? { givenNames } : {}) } : {};
  }

  let birthName: string | undefined;
  const born = BIRTH.exec(s);
  if (born) {
    birthName = clean(born[1]!);
    s = clean(s.slice(0, born.index) + ' ' + s.slice(born.index + born[0].length));
  }
  let usedName: string | undefined;
  const spouse = SPOUSE.exec(s);
  if (spouse) {
    // MARTIN ép. DUPONT Marie: the name before is the birth name, the one after is used.
    const before = clean(s.slice(0, spouse.index));
    const after = clean(s.slice(spouse.index + spouse[0].length)).split(' ');
    const split = splitCapitals(after);
    birthName ??= before;
    usedName = split?.family ?? after[0];
    return { birthName, usedName, ...(split ? { givenNames: split.given } : {}) };
  }

  const split = splitCapitals(s.split(' '));
  if (!split) {
    if (birthName) return { birthName, displayName: s };
    return { displayName: s };
  }
  if (birthName) return { birthName, usedName: split.family, givenNames: split.given };
  return { birthName: split.family, givenNames: split.given };
}

/** The traits a printed name gives a detected patient: split when the form allows, else whole. */
export function nameTraits(shown: string): {
  familyName?: string;
  usedName?: string;
  givenNames?: string;
  displayName?: string;
} {
  const name = parsePrintedName(shown);
  if (!name.birthName || !name.givenNames) return { displayName: shown };
  return {
    familyName: name.birthName,
    givenNames: name.givenNames,
    ...(name.usedName ? { usedName: name.usedName } : {}),
  };
}
