import { render } from 'preact';
import { DocumentPage } from './DocumentPage.tsx';

render(
  <DocumentPage documentId={new URLSearchParams(location.search).get('doc') ?? ''} />,
  document.getElementById('app')!,
);
