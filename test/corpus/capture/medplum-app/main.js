import '@mantine/core/styles.css';
import { MantineProvider } from '@mantine/core';
import { MockClient } from '@medplum/mock';
import { MedplumProvider, PatientHeader, PatientSummary, ResourceTable } from '@medplum/react';
import '@medplum/react/styles.css';
import { createElement as h } from 'react';
import { createRoot } from 'react-dom/client';

const patients = {
  nguyen: { family: 'NGUYEN', given: ['Thomas'], birthDate: '1992-07-18', gender: 'male', ins: '192077505632164' },
  girard: {
    family: 'GIRARD',
    given: ['Camille', 'Anne'],
    birthDate: '1979-03-22',
    gender: 'female',
    ins: '279035121518989',
  },
  bernard: {
    family: 'BERNARD',
    given: ['Lucas', 'Pierre'],
    birthDate: '1984-12-03',
    gender: 'male',
    ins: '184126912304531',
  },
  dubois: { family: 'DUBOIS', given: ['Léa'], birthDate: '2000-11-05', gender: 'female', ins: '201113307200872' },
};
const params = new URLSearchParams(location.search);
const p = patients[params.get('p') ?? 'nguyen'];
const view = params.get('view') ?? 'header';
const patient = {
  resourceType: 'Patient',
  id: params.get('p') ?? 'nguyen',
  identifier: [{ use: 'official', system: 'urn:oid:1.2.250.1.213.1.4.8', value: p.ins }],
  name: [{ use: 'official', family: p.family, given: p.given }],
  birthDate: p.birthDate,
  gender: p.gender,
};
const medplum = new MockClient();
await medplum.createResource(patient).catch(() => undefined);
createRoot(document.getElementById('root')).render(
  h(
    MantineProvider,
    null,
    h(
      MedplumProvider,
      { medplum },
      view === 'header'
        ? h(PatientHeader, { patient })
        : view === 'summary'
          ? h(PatientSummary, { patient })
          : h(ResourceTable, { value: patient, ignoreMissingValues: true }),
    ),
  ),
);
