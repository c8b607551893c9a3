/** `npm run build`: the Chrome and Firefox builds, one after the other. */
import { build } from 'vite';

for (const mode of ['chrome', 'firefox']) {
  await build({ mode, logLevel: 'warn' });
  console.log(`built dist/${mode}`);
}
