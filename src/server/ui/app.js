// The page: hash routes, sign-in, one view at a time.
import { h, fill } from './dom.js';
import * as api from './api.js';
import { Scope } from './poll.js';
import { renderSignIn } from './signin.js';
import { renderExportsList } from './exports.js';
import { renderExportDetail } from './detail.js';
import { renderExportForm } from './form.js';
import { renderRunLogs } from './logs.js';

const main = document.getElementById('main');
const signOut = document.getElementById('sign-out');
let scope = null;
let signInReason = '';

// '#/exports/abc?export=x' -> {parts: ['exports', 'abc'], query}
function parseHash() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

function view({ parts, query }) {
  const [a, b, c] = parts;
  if (parts.length === 0 || (a === 'exports' && parts.length === 1)) return renderExportsList(scope);
  if (a === 'exports' && b === 'new' && parts.length === 2) return renderExportForm(scope, null);
  if (a === 'exports' && parts.length === 2) return renderExportDetail(scope, b);
  if (a === 'exports' && c === 'edit' && parts.length === 3) return renderExportForm(scope, b);
  if (a === 'runs' && c === 'logs' && parts.length === 3) return renderRunLogs(scope, b, query.get('export'));
  document.title = 'Not found · batch-export';
  return h('section', { class: 'page', testid: 'not-found' }, h('h1', { text: 'Nothing here' }),
    h('p', {}, 'This address is not a page of the UI. ', h('a', { href: '#/exports', text: 'Go to the exports.' })));
}

function render() {
  scope?.dispose();
  scope = new Scope();
  const signedIn = Boolean(api.getToken());
  signOut.hidden = !signedIn;
  if (!signedIn) {
    fill(main, renderSignIn(signInReason, () => { signInReason = ''; render(); }));
    return;
  }
  fill(main, view(parseHash()));
  main.focus({ preventScroll: true });
}

api.onUnauthorized(() => {
  api.clearToken();
  signInReason = 'The server no longer accepts the token of this session (401): sign in again.';
  render();
});
signOut.addEventListener('click', () => {
  api.clearToken();
  signInReason = '';
  render();
});
window.addEventListener('hashchange', render);
render();
