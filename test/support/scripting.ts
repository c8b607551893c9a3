import type { ContentScriptRegistration, Scripting } from '../../src/background/sites.ts';

/** `browser.scripting` as Chrome behaves: registering an id twice is an error. */
export function fakeScripting() {
  const scripts = new Map<string, ContentScriptRegistration>();
  const api: Scripting = {
    async getRegisteredContentScripts(filter) {
      return [...scripts.values()].filter((s) => !filter?.ids || filter.ids.includes(s.id));
    },
    async registerContentScripts(list) {
      // Chrome registers asynchronously: one turn of the event loop lets two registrations interleave.
      await new Promise((r) => setImmediate(r));
      for (const s of list) {
        if (scripts.has(s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
        scripts.set(s.id, s);
      }
    },
    async unregisterContentScripts(filter) {
      for (const id of filter?.ids ?? [...scripts.keys()]) scripts.delete(id);
    },
  };
  return { api, scripts };
}
