// Sign-in: the admin API token, checked against the API, kept in sessionStorage for the tab.
import { h, messageLine } from './dom.js';
import * as api from './api.js';

export function renderSignIn(reason, onSignedIn) {
  document.title = 'Sign in · batch-export';
  const token = h('input', {
    type: 'password', id: 'token', testid: 'token-input', autocomplete: 'off', spellcheck: 'false', required: true,
  });
  const message = messageLine('signin-error');
  if (reason) message.show(reason);
  const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'signin-submit' }, 'Sign in');
  const form = h('form', { class: 'signin', testid: 'signin-form', novalidate: true },
    h('h1', { text: 'Sign in' }),
    h('p', { class: 'help', text: 'Paste the API token. batch-export serve prints it on its first start and keeps it in <data-dir>/api-token. It stays in this browser tab until you sign out or close the tab.' }),
    h('div', { class: 'field' }, h('label', { for: 'token', text: 'API token' }), token),
    message.el,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = token.value.trim();
    if (!value) {
      message.show('Paste the token first.');
      return;
    }
    submit.disabled = true;
    message.show('Checking the token…', 'info');
    try {
      await api.checkToken(value);
      api.setToken(value);
      message.clear();
      onSignedIn();
    } catch (e) {
      message.show(e.status === 401
        ? 'The server did not accept this token (401). Copy it again from <data-dir>/api-token on the server.'
        : api.plainMessage(e));
      token.select();
    } finally {
      submit.disabled = false;
    }
  });
  queueMicrotask(() => token.focus());
  return form;
}
