// The overview page's script (a module, no framework): signs in by password login or a pasted token, keeps the
// token in this tab's session storage only, then reads this facade's admin API and draws it (overview-sections.js).
/* global document, sessionStorage, fetch, URL */
import { note } from './overview-render.js';
import { SECTIONS } from './overview-sections.js';

const STORAGE_KEYS = { token: 'facade-overview.token', userId: 'facade-overview.user', source: 'facade-overview.source' };

// The facade's root (/_facade/) whichever of its two URLs served the page; Synapse's client API is beside it.
const facadeRoot = new URL('.', document.baseURI);
const apiUrl = (path) => new URL(`v1/${path}`, facadeRoot);
const clientUrl = (path) => new URL(`../_matrix/client/v3/${path}`, facadeRoot);

const byId = (id) => document.getElementById(id);
const say = (text) => (byId('status').textContent = text);

/** A refused call, carrying the Matrix error's text and errcode. */
class CallError extends Error {
  constructor(status, body) {
    super(typeof body?.error === 'string' ? body.error : `HTTP ${status}`);
    this.status = status;
    this.errcode = body?.errcode;
  }
}

/** One JSON call to this origin. The token travels in the Authorization header only, never in a URL or a cookie. */
async function call(url, { token, method = 'GET', body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw new CallError(response.status, answer);
  return answer;
}

/**
 * The signed-in admin: { token, userId, source: 'password' | 'pasted' }. Held in memory until the admin API has
 * accepted the token once, then also in session storage (this tab only; gone when it closes), never elsewhere.
 */
let session = null;

function storedSession() {
  const token = sessionStorage.getItem(STORAGE_KEYS.token);
  if (!token) return null;
  const source = sessionStorage.getItem(STORAGE_KEYS.source) === 'password' ? 'password' : 'pasted';
  return { token, userId: sessionStorage.getItem(STORAGE_KEYS.userId) ?? '', source };
}

function storeSession({ token, userId, source }) {
  sessionStorage.setItem(STORAGE_KEYS.token, token);
  sessionStorage.setItem(STORAGE_KEYS.userId, userId);
  sessionStorage.setItem(STORAGE_KEYS.source, source);
}

function showSignedIn(signedIn) {
  byId('sign-in').hidden = signedIn;
  byId('overview').hidden = !signedIn;
  byId('session').hidden = !signedIn;
}

/**
 * Forgets the session everywhere on the page. A session this page started by password login is its own device,
 * so it is logged out at Synapse too; a pasted token belongs to whoever made it and stays valid.
 */
async function signOut(message) {
  const ended = session;
  session = null;
  for (const key of Object.values(STORAGE_KEYS)) sessionStorage.removeItem(key);
  for (const { target } of SECTIONS) byId(target).replaceChildren();
  byId('signed-in-as').textContent = '';
  delete byId('overview').dataset.state;
  showSignedIn(false);
  say(message);
  if (ended?.source === 'password') await call(clientUrl('logout'), { method: 'POST', token: ended.token }).catch(() => {});
}

/** A part's nodes: drawn from its answer, or a line saying why not (404: this facade does not serve it). */
function partOf(section, { body, error }) {
  if (error?.status === 404) return [note('Not available: this facade does not serve it.')];
  if (error) return [note(`Could not load this part (${error.status ?? 'no answer'}: ${error.message}).`, 'note error')];
  try {
    return section.render(body);
  } catch (drawError) {
    return [note(`Could not draw this part: ${drawError.message}`, 'note error')];
  }
}

/** Reads every part at once; a 401 or 403 on any of them ends the session, other failures stay in their part. */
async function refresh() {
  const current = session;
  if (!current) return;
  byId('overview').dataset.state = 'loading';
  const answers = await Promise.all(
    SECTIONS.map((section) => call(apiUrl(section.path), { token: current.token }).then((body) => ({ body }), (error) => ({ error }))),
  );
  if (session !== current) return;
  const refusal = answers.find(({ error }) => error?.status === 401 || error?.status === 403)?.error;
  if (refusal?.status === 403) return signOut(`${current.userId || 'This account'} is not a server admin (${refusal.message}); signed out.`);
  if (refusal) return signOut(`The session ended (${refusal.message}); signed out.`);
  SECTIONS.forEach((section, index) => byId(section.target).replaceChildren(...partOf(section, answers[index])));
  storeSession(current);
  byId('signed-in-as').textContent = `Signed in as ${current.userId} (${current.source === 'password' ? 'password login' : 'pasted token'})`;
  showSignedIn(true);
  byId('overview').dataset.state = 'loaded';
  say(`Updated ${new Date().toLocaleTimeString()}.`);
}

async function signInWithPassword() {
  say('Signing in…');
  const login = await call(clientUrl('login'), {
    method: 'POST',
    body: {
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: byId('user').value.trim() },
      password: byId('password').value,
      initial_device_display_name: 'Synapse admin facade overview',
    },
  });
  byId('password').value = '';
  session = { token: login.access_token, userId: login.user_id, source: 'password' };
  await refresh();
}

async function signInWithToken() {
  say('Checking the token…');
  const token = byId('token').value.trim();
  const { user_id: userId } = await call(clientUrl('account/whoami'), { token });
  byId('token').value = '';
  session = { token, userId, source: 'pasted' };
  await refresh();
}

/** Runs a form's sign-in on submit (never the browser's own submission), its button disabled meanwhile. */
function onSubmit(formId, signIn) {
  const form = byId(formId);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await signIn();
    } catch (error) {
      say(`Sign-in refused: ${error.message}`);
    } finally {
      button.disabled = false;
    }
  });
}

onSubmit('password-form', signInWithPassword);
onSubmit('token-form', signInWithToken);
byId('refresh').addEventListener('click', () => void refresh());
byId('sign-out').addEventListener('click', () => void signOut('Signed out.'));

session = storedSession();
if (session) {
  say('Loading…');
  void refresh();
} else {
  showSignedIn(false);
}
