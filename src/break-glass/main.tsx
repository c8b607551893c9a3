import { render } from 'preact';
import { BreakGlassConfirm } from './BreakGlassConfirm.tsx';

render(<BreakGlassConfirm />, document.getElementById('app')!);
