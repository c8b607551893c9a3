/**
 * One patient: the traits printed on the page, what the platform holds for the INS, and the
 * identity-vigilance verdict. A wrong-key INS is never looked up; a disagreement is a blocking alert.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { DetectedPatient, IdentityConfirmation, LookupResult, PlatformPatient } from '../core/protocol.ts';
import type { AuthHandle } from '../ui/auth.ts';
import { isPhysician } from '../core/psc.ts';
import { vigilance, type Trait, type Vigilance } from '../core/traits.ts';
import { formatDate, formatIns } from '../core/format.ts';
import { failureText } from '../ui/failure.ts';
import { t } from '../ui/i18n.ts';
import { send } from '../ui/messaging.ts';
import { CareTeam } from './CareTeam.tsx';
import { SharedRecord } from './SharedRecord.tsx';
import { covers, IdentityConfirm } from './IdentityConfirm.tsx';
import { displayName } from './PatientChoice.tsx';
import { SeenPatient } from './seen.ts';

type Lookup = { phase: 'loading' } | { phase: 'done'; result: LookupResult };

function PageTraits({ patient }: { patient: DetectedPatient }) {
  return (
    <dl>
      <dt>{t('name')}</dt>
      <dd>{displayName(patient)}</dd>
      {patient.usedName && (
        <>
          <dt>{t('usedName')}</dt>
          <dd>{patient.usedName}</dd>
        </>
      )}
      <dt>{t('birthDate')}</dt>
      <dd>{patient.birthDate ? formatDate(patient.birthDate) : t('notShown')}</dd>
      <dt>{t('sex')}</dt>
      <dd>{patient.sex ? t(`sex_${patient.sex}`) : t('notShown')}</dd>
      <dt>{t('ins')}</dt>
      <dd class="ins">{patient.ins ? formatIns(patient.ins.value) : t('notShown')}</dd>
    </dl>
  );
}

/** The page's reading of one strict trait, as printed. */
function pageValue(page: DetectedPatient, trait: Trait): string | undefined {
  switch (trait) {
    case 'birthName':
      return page.familyName ?? page.displayName;
    case 'givenName':
      return page.givenNames ?? page.displayName;
    case 'birthDate':
      return page.birthDate && formatDate(page.birthDate);
    case 'sex':
      return page.sex && t(`sex_${page.sex}`);
  }
}

/**
 * The platform's value of one strict trait: for the given name, the first of the birth given names
 * (the one compared; a compound one, hyphenated, whole), then the whole list when there are more.
 */
function platformValue(patient: PlatformPatient, trait: Trait) {
  switch (trait) {
    case 'birthName':
      return patient.birthName;
    case 'givenName': {
      const [first, ...others] = patient.givenNames.trim().split(/\s+/);
      return others.length === 0 ? (
        first
      ) : (
        <>
          {first}
          <span class="muted all-given-names">{t('allGivenNames', patient.givenNames)}</span>
        </>
      );
    }
    case 'birthDate':
      return formatDate(patient.birthDate);
    case 'sex':
      return t(`sex_${patient.sex}`);
  }
}

/**
 * Per strict trait: what the page shows, what the platform holds, and whether they were compared —
 * the comparison under the trait's name, in the row's header: three columns fit the panel without
 * cutting a value (four cut dates in two at the panel's width).
 */
function TraitTable({
  page,
  patient,
  checks,
}: {
  page: DetectedPatient;
  patient: PlatformPatient;
  checks: Vigilance['checks'];
}) {
  return (
    <table class="traits" data-traits>
      <caption>{t('traitsTitle')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('traitColumn')}</th>
          <th scope="col">{t('pageColumn')}</th>
          <th scope="col">{t('onPlatform')}</th>
        </tr>
      </thead>
      <tbody>
        {checks.map(({ trait, read, agrees }) => {
          const state = !read ? 'unread' : agrees ? 'agree' : 'differ';
          return (
            <tr key={trait} data-trait={trait} data-check={state}>
              <th scope="row">
                {t(`trait_${trait}`)}
                <span class="check">{t(`check_${state}`)}</span>
              </th>
              <td>{pageValue(page, trait) ?? t('notShown')}</td>
              <td>{platformValue(patient, trait)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function PlatformTraits({
  patient,
  page,
  confirmed,
  physician,
}: {
  patient: PlatformPatient;
  page: DetectedPatient;
  confirmed?: IdentityConfirmation;
  physician: boolean;
}) {
  const check = vigilance(page, patient);
  const [confirmation, setConfirmation] = useState(confirmed);
  const settled = check.verdict === 'agree' || covers(confirmation, check.differing, check.unverified);
  const confirm = (
    <IdentityConfirm
      patient={patient}
      differing={check.differing}
      unverified={check.unverified}
      confirmed={confirmation}
      onConfirmed={setConfirmation}
    />
  );
  return (
    <>
      <h2>
        {t('onPlatform')}
        <span class="tag">{t(`insKind_${patient.insKind}`)}</span>
      </h2>
      <TraitTable page={page} patient={patient} checks={check.checks} />
      {check.verdict === 'agree' && (
        <p class="status ok" data-vigilance="agree">
          ✓ {t('traitsAgree')}
        </p>
      )}
      {check.verdict === 'disagree' && (
        <div class="alert" role="alert" data-vigilance="disagree">
          <strong>{t('traitsDisagree', check.differing.map((d) => t(`trait_${d}`)).join(', '))}</strong>
          <p>{t('traitsDisagreeHelp')}</p>
          {confirm}
        </div>
      )}
      {check.verdict === 'not-verifiable' && (
        <div class="alert" role="alert" data-vigilance="not-verifiable">
          <strong>{t('traitsNotVerifiable', check.unverified.map((d) => t(`trait_${d}`)).join(', '))}</strong>
          <p>{t('traitsNotVerifiableHelp')}</p>
          {confirm}
        </div>
      )}
      {/* The record's button first: the circle loads by itself and must not move it under the pointer. */}
      {settled && <SharedRecord patientId={patient.id} />}
      {settled && <CareTeam patientId={patient.id} physician={physician} />}
    </>
  );
}

function LookupStatus({
  lookup,
  page,
  retry,
  physician,
}: {
  lookup: Lookup;
  page: DetectedPatient;
  retry: () => void;
  physician: boolean;
}) {
  if (lookup.phase === 'loading') return <p aria-busy="true">{t('lookupLoading')}</p>;
  const { result } = lookup;
  switch (result.status) {
    case 'found':
      return <PlatformTraits patient={result.patient} page={page} confirmed={result.confirmed} physician={physician} />;
    case 'unknown':
      return (
        <p class="status" role="status" data-lookup="unknown">
          {t('unknownIns')}
        </p>
      );
    case 'signed-out':
      return (
        <p class="muted" data-lookup="signed-out">
          {failureText(result, 'lookup')}
        </p>
      );
    case 'invalid-ins':
      return (
        <p class="alert" role="alert">
          {t(`invalidIns_${result.reason}`)}
        </p>
      );
    case 'unavailable':
      return (
        <div class="alert" role="alert" data-lookup="unavailable">
          <p>{failureText({ ...result, detail: undefined }, 'lookup')}</p>
          {result.detail && <p>{result.detail}</p>}
          <button type="button" onClick={retry}>
            {t('retry')}
          </button>
        </div>
      );
  }
}

export function PatientCard({ patient, auth }: { patient: DetectedPatient; auth: AuthHandle }) {
  const ins = patient.ins?.status === 'valid' ? patient.ins.value : undefined;
  const [lookup, setLookup] = useState<Lookup>({ phase: 'loading' });
  const { signedIn, refresh } = auth;
  const physician =
    auth.view.phase === 'known' && auth.view.status.state === 'signed-in' && isPhysician(auth.view.status.professional);

  // Until the sign-in state is known, the card waits: it never says "sign in" to someone who is.
  const known = auth.view.phase === 'known';
  const run = useCallback(() => {
    if (!ins || !known) return;
    // Signed out: nothing is asked of the platform, the card says why.
    if (!signedIn) return setLookup({ phase: 'done', result: { status: 'signed-out' } });
    setLookup({ phase: 'loading' });
    send({ type: 'patient.lookup', ins }).then(
      (result) => {
        setLookup({ phase: 'done', result });
        if (result.status === 'signed-out') refresh();
      },
      () => setLookup({ phase: 'done', result: { status: 'unavailable', reason: 'bad-response' } }),
    );
  }, [ins, known, signedIn, refresh]);
  useEffect(run, [run]);

  return (
    <SeenPatient.Provider value={patient}>
      <section class="card" aria-label={displayName(patient)}>
        <h2>
          {t('onPage')}
          {patient.ins?.status === 'valid' && patient.ins.kind && (
            <span class="tag">{t(`insKind_${patient.ins.kind}`)}</span>
          )}
          {patient.ins?.status === 'valid' && patient.ins.guessed && (
            <span class="tag" data-ins-guessed>
              {t('insGuessed')}
            </span>
          )}
        </h2>
        <PageTraits patient={patient} />
        {patient.ins?.status === 'wrong-key' && (
          <p class="alert" role="alert" data-lookup="wrong-key">
            {t('wrongKeyIns', formatIns(patient.ins.value))}
          </p>
        )}
        {!patient.ins && <p class="muted">{t('noInsOnPage')}</p>}
        {ins && <LookupStatus lookup={lookup} page={patient} retry={run} physician={physician} />}
      </section>
    </SeenPatient.Provider>
  );
}
