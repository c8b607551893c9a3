import { render } from 'preact';
import { App } from './App.tsx';

document.documentElement.lang = navigator.language.startsWith('fr') ? 'fr' : document.documentElement.lang;
render(<App />, document.getElementById('app')!);
