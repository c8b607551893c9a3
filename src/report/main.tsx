import { render } from 'preact';
import { Report } from './Report.tsx';

render(<Report examId={new URLSearchParams(location.search).get('exam') ?? ''} />, document.getElementById('app')!);
