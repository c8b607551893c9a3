import { render } from 'preact';
import { Review } from './Review.tsx';

render(<Review />, document.getElementById('app')!);
