import { render } from 'preact';
import { DocumentPage } from './DocumentPage.tsx';

const params = new URLSearchParams(location.search);
render(
  <DocumentPage patientId={params.get('patient') ?? ''} documentId={params.get('doc') ?? ''} />,
  document.getElementById('app')!,
);
