// The overview page's HTML shell: sign-in forms and empty sections, which its script (assets/overview.js) fills.
import { escapeHtml } from '../docs-page.ts';

/**
 * Renders the shell. Every URL is relative to the page (/_facade/ or /_facade/overview), so it holds behind a
 * path-preserving proxy. The page carries no data and no inline script or style (its CSP allows neither); the
 * sign-in forms post nowhere (form-action 'none'), so without the script a password never leaves the page.
 */
export function renderOverviewPage({ serverName }: { serverName?: string | undefined } = {}): string {
  const server = serverName === undefined ? '' : ` — ${escapeHtml(serverName)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Synapse admin facade: overview${server}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="overview/assets/overview.css">
<script type="module" src="overview/assets/overview.js"></script>
</head>
<body>
<header>
<h1>Overview${server}</h1>
<nav><a href="docs">API reference</a> · <a href="docs/plain">plain reference</a> · <a href="openapi.json">OpenAPI document</a></nav>
<p id="session" hidden><span id="signed-in-as"></span> <button type="button" id="refresh">Refresh</button> <button type="button" id="sign-out">Sign out</button></p>
</header>
<noscript><p>This page needs JavaScript (a small script served by the facade, no framework). The
<a href="docs/plain">plain reference</a> describes the API it reads.</p></noscript>
<p id="status" role="status" aria-live="polite"></p>
<section id="sign-in" hidden>
<h2>Sign in as a server admin</h2>
<form id="password-form" method="post" action="#">
<label>User <input id="user" name="user" autocomplete="username" required placeholder="admin or @admin:example.org"></label>
<label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
<p>The password goes to Synapse's login (through the facade), which gives this page its own session; signing out ends it.</p>
<form id="token-form" method="post" action="#">
<label>Access token <input id="token" name="token" type="password" autocomplete="off" required></label>
<button type="submit">Use token</button>
</form>
<p>A pasted token is not logged out when you sign out: it stays valid for whoever made it.
Either way the token is kept in this tab's session storage only, and sent to this facade only.</p>
</section>
<main id="overview" hidden>
<section id="summary"><h2>Summary</h2><p class="note" id="summary-note"></p><div class="charts" id="summary-charts"></div></section>
<section id="failing"><h2>Failing destinations</h2><div id="failing-body"></div></section>
<section id="jobs"><h2>Running jobs</h2><div id="jobs-body"></div></section>
<section id="audit"><h2>Latest audit rows</h2><div id="audit-body"></div></section>
</main>
</body></html>
`;
}
