// The create / edit form. The export's own fields are fixed; the destination's are generated
// from its description (GET /api/batch_export_destination_types), so a new destination needs no
// UI code. The API's 400 answers name a field ("destination.config.bucket_name"): the message
// goes under that field.
import { h, fill, messageLine, toast, route } from './dom.js';
import * as api from './api.js';
import { INTERVALS } from './schedule.js';
import { checkControl } from './check.js';

const MODELS = {
  events: 'events: one row per event',
  persons: 'persons: one row per changed person and distinct_id',
  sessions: 'sessions: one row per session with events in the interval',
};

export function renderExportForm(scope, exportId) {
  const heading = h('h1', { text: exportId ? 'Edit export' : 'New export' });
  const loadError = messageLine('form-load-error');
  const page = h('section', { class: 'page', testid: 'export-form-page' },
    h('p', { class: 'crumbs' }, h('a', { href: exportId ? route('exports', exportId) : '#/exports', text: exportId ? '← Back to the export' : '← Exports' })),
    heading, loadError.el);
  document.title = `${heading.textContent} · batch-export`;
  const types = api.destinationTypes().catch((e) => {
    if (e.status === 404) {
      throw new Error('This server does not describe its destinations yet (GET /api/batch_export_destination_types answered 404), so the form cannot be built.');
    }
    throw e;
  });
  Promise.all([types, exportId ? api.getExport(exportId, { signal: scope.signal }) : null])
    .then(([typeMap, record]) => {
      if (!scope.alive) return;
      if (record) heading.textContent = `Edit “${record.name}”`;
      page.append(buildForm(typeMap, record));
    })
    .catch((e) => {
      if (!api.isAbort(e)) loadError.show(e instanceof api.ApiError ? api.plainMessage(e) : e.message);
    });
  return page;
}

// --- the form

function buildForm(types, record) {
  // rows: API path -> {row, error, control}; problems: what the page itself found before sending.
  const ctx = { patch: Boolean(record), rows: new Map(), problems: [] };
  const empty = () => (ctx.patch ? null : undefined); // a cleared field: removed by the merge patch
  const formError = messageLine('form-error');

  const general = h('fieldset', { class: 'group' }, h('legend', { text: 'Export' }));
  const name = textInput(record?.name ?? '', { autocomplete: 'off' });
  row(ctx, general, 'name', 'Name', name, { required: true });
  const model = select(Object.entries(MODELS), record?.model ?? 'events');
  row(ctx, general, 'model', 'Model', model);
  const interval = select(Object.keys(INTERVALS).map((k) => [k, k]), record?.interval ?? 'hour');
  row(ctx, general, 'interval', 'Interval', interval, { help: 'One run per interval, once it has ended (plus 30 s, or 60 s for hour and longer).' });
  const timezone = textInput(record?.timezone ?? 'UTC', { list: 'bx-timezones', autocomplete: 'off' });
  const tzRow = row(ctx, general, 'timezone', 'Time zone', timezone, { help: 'IANA name (Europe/Berlin): days and weeks start at midnight there. DST days last 23 or 25 hours.' });
  const offset = h('input', { type: 'number', min: 0, step: 1, value: String(record?.interval_offset ?? 0) });
  const offsetRow = row(ctx, general, 'interval_offset', 'Interval offset (seconds)', offset, { help: 'Into the day (day) or into the week from Sunday 00:00 (week): 3600 starts each day at 01:00.' });
  const civil = () => interval.value === 'day' || interval.value === 'week';
  const syncInterval = () => { tzRow.hidden = offsetRow.hidden = !civil(); };
  interval.addEventListener('change', syncInterval);
  syncInterval();

  const bounds = h('details', { class: 'group', testid: 'advanced' }, h('summary', { text: 'Team and date bounds (optional)' }));
  const team = h('input', { type: 'number', min: 0, step: 1, value: record?.team_id ?? '' });
  row(ctx, bounds, 'team_id', 'Team ID', team, { help: "Export only this team's events. Empty: every team." });
  const startAt = textInput(record?.start_at ?? '', { placeholder: '2024-01-15T00:00:00Z' });
  row(ctx, bounds, 'start_at', 'Start at', startAt, { help: 'No scheduled runs before this time (ISO 8601).' });
  const endAt = textInput(record?.end_at ?? '', { placeholder: '2024-12-31T00:00:00Z' });
  row(ctx, bounds, 'end_at', 'End at', endAt, { help: 'No runs past this time, backfills included.' });
  if (record?.team_id != null || record?.start_at || record?.end_at) bounds.open = true;

  // The destination. Its type cannot change on edit (a merge patch would mix two configs).
  const destination = h('fieldset', { class: 'group' }, h('legend', { text: 'Destination' }));
  const currentType = record?.destination?.type;
  const choices = [...types.values()].filter((t) => !t.alias_of || t.type === currentType).map((t) => [t.type, t.label || t.type]);
  if (currentType && !types.has(currentType)) choices.push([currentType, currentType]);
  const typeSelect = select(choices, currentType ?? choices[0]?.[0] ?? '', { disabled: ctx.patch });
  row(ctx, destination, 'destination.type', 'Type', typeSelect, { help: ctx.patch ? 'To write elsewhere, create another export.' : null });
  ctx.rows.set('destination', ctx.rows.get('destination.type')); // 409 Conflict names "destination"
  const typeInfo = h('p', { class: 'help', testid: 'destination-description' });
  const configBox = h('div', { class: 'config', testid: 'destination-fields' });
  destination.append(typeInfo, configBox);
  let collectConfig = () => ({});
  let generated = [];
  const renderType = () => {
    for (const key of generated) ctx.rows.delete(key);
    const before = new Set(ctx.rows.keys());
    const t = types.get(typeSelect.value);
    typeInfo.textContent = t ? t.description ?? '' : `The server does not describe the destination type ${typeSelect.value}: its settings cannot be edited here.`;
    fill(configBox);
    collectConfig = t ? buildFields(ctx, t.fields ?? [], 'destination.config', record?.destination?.config, configBox) : () => ({});
    generated = [...ctx.rows.keys()].filter((k) => !before.has(k));
  };
  typeSelect.addEventListener('change', renderType);
  renderType();

  // include_events / exclude_events live in destination.config for every destination
  // (src/core/export_definition.cc), so they are the form's own, not a destination's.
  const filters = h('fieldset', { class: 'group' }, h('legend', { text: 'Events (events model)' }));
  const config = record?.destination?.config ?? {};
  const include = h('textarea', { rows: 3, spellcheck: 'false', placeholder: '$pageview' });
  include.value = (config.include_events ?? []).join('\n');
  row(ctx, filters, 'destination.config.include_events', 'Only these events', include, { help: 'One event name per line. Empty: every event.' });
  const exclude = h('textarea', { rows: 3, spellcheck: 'false', placeholder: '$feature_flag_called' });
  exclude.value = (config.exclude_events ?? []).join('\n');
  row(ctx, filters, 'destination.config.exclude_events', 'Leave out these events', exclude, { help: 'One event name per line.' });
  const lines = (el) => {
    const list = el.value.split('\n').map((s) => s.trim()).filter(Boolean);
    return list.length ? list : empty();
  };

  const collect = () => {
    ctx.problems = [];
    const nameValue = name.value.trim();
    if (!nameValue) ctx.problems.push({ path: 'name', message: 'is required' });
    return {
      name: nameValue,
      model: model.value,
      interval: interval.value,
      timezone: civil() ? timezone.value.trim() || 'UTC' : undefined,
      // The server refuses an offset on other intervals: an edit away from day/week resets it.
      interval_offset: civil() ? numberOf(ctx, 'interval_offset', offset, true) ?? 0 : (ctx.patch ? 0 : undefined),
      team_id: numberOf(ctx, 'team_id', team, true) ?? empty(),
      start_at: startAt.value.trim() || empty(),
      end_at: endAt.value.trim() || empty(),
      destination: {
        type: typeSelect.value,
        config: { ...collectConfig(), include_events: lines(include), exclude_events: lines(exclude) },
      },
    };
  };

  let dirty = false;
  const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'form-submit' }, ctx.patch ? 'Save changes' : 'Create export');
  const cancel = h('a', { class: 'btn', href: record ? route('exports', record.id) : '#/exports', testid: 'form-cancel' }, 'Cancel');
  const form = h('form', { class: 'export-form', testid: 'export-form', novalidate: true },
    timezoneList(), general, bounds, destination, filters, formError.el,
    h('div', { class: 'actions' }, submit, cancel),
    record ? checkControl(record.id, { unsaved: () => dirty }) : h('p', { class: 'help', text: 'Test connection is on the export’s page once it is created.' }));
  form.addEventListener('input', () => { dirty = true; });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(ctx);
    formError.clear();
    const body = collect();
    if (ctx.problems.length) {
      ctx.problems.forEach((p) => showFieldError(ctx, formError, p.path, p.message));
      focusFirstError(ctx);
      return;
    }
    submit.disabled = true;
    try {
      const saved = record ? await api.patchExport(record.id, body) : await api.createExport(body);
      dirty = false;
      toast(saved.warnings?.length ? `Saved, with warnings: ${saved.warnings.join('; ')}` : 'Saved.', saved.warnings?.length ? 'warn' : 'ok');
      location.hash = route('exports', saved.id);
    } catch (e) {
      if (e instanceof api.ApiError && (e.status === 400 || e.status === 409) && e.attr) {
        showFieldError(ctx, formError, e.attr, e.fieldMessage);
        focusFirstError(ctx);
      } else {
        formError.show(e instanceof api.ApiError ? api.plainMessage(e) : String(e));
      }
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// --- generated fields

// Builds `fields` under `base` ("destination.config"); returns a function giving the config
// object to send. `original` is the export's config as the API rendered it (secrets {"set": b}).
function buildFields(ctx, fields, base, original, parent) {
  const collectors = fields.map((f) => {
    const path = `${base}.${f.name}`;
    const had = original && typeof original === 'object' && Object.hasOwn(original, f.name) ? original[f.name] : undefined;
    // A value the API redacted is a secret whatever the description says (the server's secret
    // names are one global set): never shown, never sent back.
    const redacted = had !== null && typeof had === 'object' && 'set' in had && f.kind !== 'object';
    const build = f.kind === 'object' ? objectField : f.secret || redacted ? secretField : plainField;
    return [f.name, build(ctx, f, path, had, parent)];
  });
  return () => {
    const out = {};
    for (const [name, collect] of collectors) {
      const value = collect();
      if (value !== undefined) out[name] = value;
    }
    return out;
  };
}

function plainField(ctx, f, path, had, parent) {
  const present = had !== undefined && had !== null;
  const control = controlFor(f, present ? had : f.default);
  row(ctx, parent, path, f.label || f.name, control, { help: f.help, required: f.required });
  return () => {
    const value = readControl(ctx, f, path, control);
    if (value === undefined) {
      if (f.required) ctx.problems.push({ path, message: 'is required' });
      return present && ctx.patch ? null : undefined;
    }
    // The server's default, never set explicitly: left out (some fields are refused where they
    // do not apply, e.g. use_virtual_style_addressing without endpoint_url).
    if (!present && value === (f.kind === 'boolean' ? f.default ?? false : f.default)) return undefined;
    return value;
  };
}

// Write-only. A stored secret comes back {"set": true}: shown as "set", kept by leaving it out
// of the patch (the merge patch keeps what it does not name, at any depth), replaced only when
// asked, removed (null) only when asked.
function secretField(ctx, f, path, had, parent) {
  const stored = had !== null && typeof had === 'object' && had.set === true;
  const control = f.kind === 'text'
    ? h('textarea', { rows: 4, spellcheck: 'false', autocomplete: 'off', placeholder: f.placeholder })
    : h('input', { type: 'password', autocomplete: 'new-password', spellcheck: 'false', placeholder: f.placeholder });
  control.classList.add('secret');
  const el = row(ctx, parent, path, f.label || f.name, control, { help: f.help, required: f.required && !stored });
  const entered = () => (control.value.trim() === '' ? undefined : control.value);
  if (!stored) {
    return () => {
      const value = entered();
      if (value === undefined && f.required) ctx.problems.push({ path, message: 'is required' });
      return value;
    };
  }
  let mode = 'keep';
  const state = h('span', { class: 'badge tone-ok', testid: `secret-state-${path}` });
  const replace = h('button', { type: 'button', class: 'btn small', testid: `replace-${path}` }, 'Replace');
  const remove = f.required ? null : h('button', { type: 'button', class: 'btn small', testid: `remove-${path}` }, 'Remove');
  const keep = h('button', { type: 'button', class: 'btn small', testid: `keep-${path}` }, 'Keep the current value');
  const setMode = (next) => {
    mode = next;
    control.hidden = mode !== 'replace';
    keep.hidden = mode === 'keep';
    replace.hidden = mode === 'replace';
    if (remove) remove.hidden = mode === 'remove';
    fill(state, h('span', { class: 'icon', 'aria-hidden': 'true', text: mode === 'remove' ? '✕' : '●' }), ' ',
      { keep: 'set', replace: 'set, to be replaced', remove: 'set, to be removed on save' }[mode]);
    if (mode !== 'replace') control.value = '';
    else control.focus();
  };
  replace.addEventListener('click', () => setMode('replace'));
  keep.addEventListener('click', () => setMode('keep'));
  remove?.addEventListener('click', () => setMode('remove'));
  control.before(h('div', { class: 'secret-bar' }, state, replace, remove, keep));
  setMode('keep');
  el.dataset.secret = 'set';
  return () => (mode === 'keep' ? undefined : mode === 'remove' ? null : entered());
}

// A nested object (Snowflake's stage, Redshift's copy_inputs): a fieldset; an optional one has
// a checkbox, and unchecked it is left out (or removed on edit).
function objectField(ctx, f, path, had, parent) {
  const present = had !== null && typeof had === 'object';
  const id = idOf(path);
  const error = h('p', { class: 'field-error', testid: `error-${path}`, role: 'alert', hidden: true });
  const box = h('fieldset', { class: 'subfields', testid: `fieldset-${path}` }, h('legend', { text: f.label || f.name }));
  const inner = h('div', { class: 'subfields-body' });
  let toggle = null;
  if (!f.required) {
    toggle = h('input', { type: 'checkbox', id, checked: present, testid: `enable-${path}` });
    box.append(h('div', { class: 'field check' }, toggle, h('label', { for: id, text: `Use ${f.label || f.name}` })));
    const sync = () => { inner.hidden = !toggle.checked; };
    toggle.addEventListener('change', sync);
    sync();
  }
  if (f.help) box.append(h('p', { class: 'help', text: f.help }));
  box.append(error, inner);
  parent.append(box);
  ctx.rows.set(path, { row: box, error, control: toggle ?? box });
  const collectInner = buildFields(ctx, f.fields ?? [], path, present ? had : undefined, inner);
  return () => {
    if (toggle && !toggle.checked) return present && ctx.patch ? null : undefined;
    return collectInner();
  };
}

function controlFor(f, initial) {
  const text = initial === null || initial === undefined ? '' : String(initial);
  switch (f.kind) {
    case 'text': {
      const t = h('textarea', { rows: 4, spellcheck: 'false', placeholder: f.placeholder });
      t.value = text;
      return t;
    }
    case 'integer':
    case 'number':
      return h('input', { type: 'number', step: f.kind === 'integer' ? 1 : 'any', value: text, placeholder: f.placeholder });
    case 'boolean':
      return h('input', { type: 'checkbox', checked: initial === true });
    case 'enum': {
      const options = (f.options ?? []).map((o) => [o, o]);
      if (text && !f.options?.includes(text)) options.push([text, text]);
      if (!f.required && (f.default === null || f.default === undefined)) options.unshift(['', '(none)']);
      else if (!text) options.unshift(['', '— choose —']);
      return select(options, text);
    }
    default:
      return textInput(text, { placeholder: f.placeholder, autocomplete: 'off' });
  }
}

// The value to send, or undefined when empty. Numbers the browser could not read are problems.
function readControl(ctx, f, path, control) {
  if (f.kind === 'boolean') return control.checked;
  if (f.kind === 'integer' || f.kind === 'number') return numberOf(ctx, path, control, f.kind === 'integer');
  if (f.kind === 'text') return control.value.trim() === '' ? undefined : control.value;
  const v = control.value.trim();
  return v === '' ? undefined : v;
}

function numberOf(ctx, path, input, integer) {
  if (input.validity.badInput) {
    ctx.problems.push({ path, message: 'is not a number' });
    return undefined;
  }
  if (input.value.trim() === '') return undefined;
  const n = Number(input.value);
  if (integer && !Number.isInteger(n)) {
    ctx.problems.push({ path, message: 'must be a whole number' });
    return undefined;
  }
  return n;
}

// --- rows and errors

const idOf = (path) => `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;

function row(ctx, parent, path, label, control, { help = null, required = false } = {}) {
  const id = idOf(path);
  control.id = id;
  control.name = path;
  control.dataset.testid = `field-${path}`;
  const error = h('p', { class: 'field-error', id: `${id}-error`, testid: `error-${path}`, role: 'alert', hidden: true });
  const helpEl = help ? h('p', { class: 'help', id: `${id}-help`, text: help }) : null;
  control.setAttribute('aria-describedby', [helpEl?.id, error.id].filter(Boolean).join(' '));
  const labelEl = h('label', { for: id }, label, required ? h('abbr', { class: 'req', title: 'required', text: ' *' }) : null);
  const check = control.type === 'checkbox';
  const el = h('div', { class: check ? 'field check' : 'field', testid: `row-${path}` },
    check ? [control, labelEl] : [labelEl, control], helpEl, error);
  parent.append(el);
  ctx.rows.set(path, { row: el, error, control });
  return el;
}

// The row of `attr` or of the nearest field above it ("...include_events[2]" -> include_events).
function rowFor(ctx, attr) {
  let path = attr.replace(/\[\d+\]/g, '');
  for (;;) {
    if (ctx.rows.has(path)) return ctx.rows.get(path);
    const dot = path.lastIndexOf('.');
    if (dot < 0) return null;
    path = path.slice(0, dot);
  }
}

function showFieldError(ctx, formError, attr, message) {
  const r = rowFor(ctx, attr);
  if (!r || !r.row.isConnected || r.row.closest('[hidden]')) {
    formError.show(`${attr}: ${message}`);
    return;
  }
  if (!r.error.hidden) return; // the first problem of a field is enough
  r.error.textContent = message;
  r.error.hidden = false;
  r.row.classList.add('invalid');
  r.control.setAttribute?.('aria-invalid', 'true');
  r.row.closest('details')?.setAttribute('open', '');
}

function clearErrors(ctx) {
  for (const r of ctx.rows.values()) {
    r.error.hidden = true;
    r.error.textContent = '';
    r.row.classList.remove('invalid');
    r.control.removeAttribute?.('aria-invalid');
  }
}

function focusFirstError(ctx) {
  const first = [...ctx.rows.values()].find((r) => !r.error.hidden);
  (first?.control ?? null)?.focus?.();
  first?.row.scrollIntoView({ block: 'center' });
}

// --- small builders

function textInput(value, props = {}) {
  return h('input', { type: 'text', spellcheck: 'false', value: String(value ?? ''), ...props });
}

function select(options, value, props = {}) {
  const el = h('select', props, options.map(([v, label]) => h('option', { value: v, text: label })));
  el.value = value ?? '';
  return el;
}

function timezoneList() {
  const zones = ['UTC', ...(Intl.supportedValuesOf?.('timeZone') ?? []).filter((z) => z !== 'UTC')];
  return h('datalist', { id: 'bx-timezones' }, zones.map((z) => h('option', { value: z })));
}
