// DOM helpers. Every string reaches the page as text (textContent or a Text node), never as
// markup: names, errors and log lines come from users and destinations.

// Properties set as properties (the rest become attributes).
const PROPS = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'required', 'readOnly', 'open']);

// h('a', {href: '#/x', class: 'btn', testid: 'go', onclick: fn}, 'text', child, [more])
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) {
      // Strings here would be inline handlers: refused (and the CSP would block them anyway).
      if (typeof value !== 'function') throw new TypeError(`${key} must be a function`);
      el.addEventListener(key.slice(2), value);
    } else if (key === 'style') {
      throw new TypeError('no inline styles: use a class');
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'testid') {
      el.dataset.testid = value;
    } else if (key === 'text') {
      el.textContent = value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (PROPS.has(key)) {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// Replaces an element's content.
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// A line for a message: shown with text, hidden when empty.
export function messageLine(testid, cls = 'error') {
  const el = h('p', { class: `message ${cls}`, testid, role: cls === 'error' ? 'alert' : 'status', hidden: true });
  return {
    el,
    show(text, kind = cls) {
      el.className = `message ${kind}`;
      el.textContent = text;
      el.hidden = !text;
    },
    clear() {
      el.textContent = '';
      el.hidden = true;
    },
  };
}

// A modal confirmation (<dialog>, no window.confirm): resolves true when confirmed.
export function confirmDialog({ title, message, confirmLabel = 'OK', danger = false, extra = null }) {
  return new Promise((resolve) => {
    const ok = h('button', { type: 'submit', value: 'ok', class: danger ? 'btn danger' : 'btn primary', testid: 'confirm-ok' }, confirmLabel);
    const cancel = h('button', { type: 'submit', value: 'cancel', class: 'btn', testid: 'confirm-cancel' }, 'Cancel');
    const dialog = h('dialog', { class: 'confirm', testid: 'confirm-dialog', 'aria-labelledby': 'confirm-title' },
      h('form', { method: 'dialog' },
        h('h2', { id: 'confirm-title', text: title }),
        h('p', { text: message }),
        extra,
        h('div', { class: 'actions' }, cancel, ok)));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'ok');
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

// A short notice at the bottom of the page.
let toastTimer = null;
export function toast(text, kind = 'info') {
  const el = document.getElementById('toast');
  if (!el) return;
  el.className = `toast ${kind}`;
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, kind === 'error' ? 10000 : 5000);
}

// A button that shows it is working while `action` runs, and cannot be clicked twice.
export function actionButton(label, props, action) {
  const button = h('button', { type: 'button', class: 'btn', ...props }, label);
  button.addEventListener('click', async () => {
    if (button.disabled) return;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await action(button);
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  });
  return button;
}

// '#/exports/<id>' with the id escaped.
export function route(...parts) {
  return '#/' + parts.map((p) => encodeURIComponent(p)).join('/');
}
