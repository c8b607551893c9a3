/** Text safe to put in HTML, between tags or in a quoted attribute: the platform's pages are plain HTML. */
export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A small French page of the platform's own (sign-in steps, their errors): no script. */
export const page = (title: string, body: string) => `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f3f5f9; color: #1b2430; }
  main { max-width: 34rem; margin: 2rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; }
  .dev { background: #fff4d6; border-left: 4px solid #c98a00; padding: .5rem .75rem; font-size: .9rem; }
  ul { list-style: none; padding: 0; } li { margin: .5rem 0; }
  button { width: 100%; text-align: left; padding: .75rem 1rem; font: inherit; border: 1px solid #b6c2d4;
    border-radius: 6px; background: #fff; cursor: pointer; }
  button:hover, button:focus { border-color: #000091; outline: 2px solid #000091; }
  small { color: #4a5566; display: block; }
  .cancel { width: auto; border: none; text-decoration: underline; background: none; }
</style></head>
<body><main>${body}</main></body></html>`;

/** The page a sign-in that cannot go on ends at: what happened and what to do. */
export function errorPage(message: string): string {
  return page('Erreur de connexion', `<h1>Connexion impossible</h1><p>${escapeHtml(message)}</p>`);
}
