import { render } from 'preact';
import { Secretariat } from './Secretariat.tsx';

render(<Secretariat />, document.getElementById('app')!);
