// Browser test of the UI against a running `batch-export serve` (README.md says how to start one).
//
//   BX_UI_URL=http://127.0.0.1:8000  BX_UI_TOKEN=$(cat bx/api-token)  BX_UI_DIR=/tmp/bx-ui-files \
//   BX_UI_SCREENSHOTS=/tmp/bx-ui-shots  node --test ui.test.mjs
//
// BX_UI_DIR must be writable by the server (the File exports write there). Chromium is Debian's
// /usr/bin/chromium (BX_UI_CHROMIUM overrides). Without the first three variables every test is
// skipped, saying which are missing.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.BX_UI_URL;
const TOKEN = process.env.BX_UI_TOKEN;
const DIR = process.env.BX_UI_DIR;
const SHOTS = process.env.BX_UI_SCREENSHOTS;
const CHROMIUM = process.env.BX_UI_CHROMIUM || '/usr/bin/chromium';
const missing = ['BX_UI_URL', 'BX_UI_TOKEN', 'BX_UI_DIR'].filter((k) => !process.env[k]);

const HOUR = 3_600_000;
const RUNS_TIMEOUT = 240_000; // 24 runs one at a time, each well under a second on an idle server
const stamp = Date.now().toString(36);
const names = {
  main: `ui-test hourly ${stamp}`,
  failing: `ui-test failing ${stamp}`,
  evil: '<img src=x onerror=alert(1)>',
};
const EVIL_DIR = `xss-${stamp}`;

const tid = (id) => `[data-testid="${id}"]`;
const rowOf = (state) => `${tid('run-row')}[data-state="${state}"]`;
// A datetime-local input's value in UTC (the backfill form reads it as UTC for hourly exports).
const utcInput = (ms) => new Date(ms).toISOString().slice(0, 16);

// The API directly, for checks and the final cleanup.
async function api(method, p, body) {
  const response = await fetch(new URL(p, BASE), {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

describe('batch-export web UI', { skip: missing.length ? `set ${missing.join(', ')}` : false }, () => {
  let browser;
  let page;
  const ids = {};
  const dialogs = [];
  const pageErrors = [];
  const cspReports = [];

  const shot = async (name) => {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  };
  const waitText = (selector, text, timeout = 15_000) =>
    page.locator(selector, { hasText: text }).first().waitFor({ timeout });
  const waitHash = (re) => page.waitForFunction((source) => new RegExp(source).test(location.hash), re.source);
  // Fills the generated form for a File export and submits it.
  const fillFileExport = async ({ name, dir, prefix }) => {
    await page.click(tid('nav-new'));
    await page.locator(tid('export-form')).waitFor();
    await page.fill(tid('field-name'), name);
    await page.selectOption(tid('field-interval'), 'hour');
    await page.selectOption(tid('field-destination.type'), 'File');
    await page.fill(tid('field-destination.config.path'), dir);
    await page.fill(tid('field-destination.config.prefix'), prefix);
    await page.click(tid('form-submit'));
  };
  const createdId = async () => {
    await waitHash(/^#\/exports\/[0-9a-f-]{36}$/);
    return page.evaluate(() => decodeURIComponent(location.hash.split('/')[2]));
  };
  const backfill = async (startMs, endMs, expectedRuns) => {
    await page.fill(tid('backfill-start'), utcInput(startMs));
    await page.fill(tid('backfill-end'), utcInput(endMs));
    await waitText(tid('backfill-preview'), `Creates ${expectedRuns} run`);
    await page.click(tid('backfill-submit'));
  };
  const badgeColour = (rowSelector) =>
    page.locator(`${rowSelector} ${tid('state-badge')}`).first().evaluate((el) => getComputedStyle(el).color);

  before(async () => {
    fs.mkdirSync(DIR, { recursive: true });
    if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Chromium's sandbox refuses to start as root (CI runs as root).
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('dialog', async (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      await d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) cspReports.push(m.text());
    });
  });

  after(async () => {
    for (const id of Object.values(ids)) await api('DELETE', `/api/batch_exports/${id}`).catch(() => {});
    await browser?.close();
  });

  test('sign-in refuses a wrong token with a message, then accepts the right one', async () => {
    await page.goto(BASE);
    await page.fill(tid('token-input'), `wrong-${stamp}`);
    await page.click(tid('signin-submit'));
    await waitText(tid('signin-error'), 'did not accept this token');
    await page.fill(tid('token-input'), TOKEN);
    await page.click(tid('signin-submit'));
    await page.locator(tid('exports-page')).waitFor();
    assert.ok(!page.url().includes(TOKEN), 'the token is never in the URL');
    assert.equal(await page.evaluate(() => sessionStorage.length > 0), true);
  });

  test('the generated form creates a File export, showing the API error on the field it names', async () => {
    const dir = path.join(DIR, `main-${stamp}`);
    await fillFileExport({ name: names.main, dir, prefix: '../outside' });
    await waitText(tid('error-destination.config.prefix'), "'..' segments are not allowed");
    assert.equal(await page.locator(tid('field-destination.config.prefix')).getAttribute('aria-invalid'), 'true');
    await shot('form-with-error');
    await page.fill(tid('field-destination.config.prefix'), 'events/{year}/{month}/{day}');
    await page.click(tid('form-submit'));
    ids.main = await createdId();
    await waitText(tid('export-name'), names.main);
    const { json } = await api('GET', `/api/batch_exports/${ids.main}`);
    assert.equal(json.destination.type, 'File');
    assert.equal(json.destination.config.path, dir);
    await page.locator(tid('runs-empty')).waitFor();
    assert.match(await page.locator(tid('runs-empty')).innerText(), /No runs yet — the first runs at (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC/);
  });

  test('a backfill of 24 hourly intervals says 24 runs before it starts and runs to 24/24', async () => {
    const end = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    await backfill(end - 24 * HOUR, end, 24);
    await waitText(tid('backfill-progress-text'), '24/24', RUNS_TIMEOUT);
    const [value, max] = await page.locator(tid('backfill-progress')).first().evaluate((p) => [p.value, p.max]);
    assert.deepEqual([value, max], [24, 24]);
    await waitText(tid('backfill-state'), 'Completed');
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length >= 24, rowOf('Completed'), { timeout: 15_000 });
    await shot('runs-page');
  });

  test("a run's log lines open from its row", async () => {
    await page.locator(`${rowOf('Completed')} ${tid('run-logs-link')}`).first().click();
    await page.locator(tid('logs-page')).waitFor();
    await page.locator(tid('log-line')).first().waitFor();
    assert.ok(await page.locator(tid('log-line')).count() > 0);
    await shot('run-logs');
  });

  test('a failing run is red with its error; after fixing the config a retry turns it green', async () => {
    // A regular file where the prefix needs a directory: the File destination fails the run at
    // once (FileWriteError, not retried). A `path` under a regular file fails with ENOTDIR, which
    // is retried with backoff for minutes before the run is Failed.
    const dir = path.join(DIR, `failing-${stamp}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'blocker'), 'a file where the prefix needs a directory\n');
    await fillFileExport({ name: names.failing, dir, prefix: 'blocker/events' });
    ids.failing = await createdId();
    const end = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    await backfill(end - HOUR, end, 1);
    const failed = page.locator(rowOf('Failed')).first();
    await failed.waitFor({ timeout: 60_000 });
    const runId = await failed.getAttribute('data-run-id');
    assert.match(await failed.locator(tid('run-error')).innerText(), /FileWriteError/);
    assert.match(await failed.locator(tid('state-badge')).innerText(), /Failed/, 'a word, not colour alone');
    assert.equal(await badgeColour(rowOf('Failed')), 'rgb(168, 17, 26)');
    await shot('runs-failed');

    await page.click(tid('export-edit'));
    await page.locator(tid('export-form')).waitFor();
    await page.fill(tid('field-destination.config.prefix'), 'fixed/events');
    await page.click(tid('form-submit'));
    await waitHash(/^#\/exports\/[0-9a-f-]{36}$/);
    const row = `${tid('run-row')}[data-run-id="${runId}"]`;
    await page.locator(`${row} ${tid('run-retry')}`).click();
    await page.locator(`${row}[data-state="Completed"]`).waitFor({ timeout: 60_000 });
    assert.equal(await badgeColour(`${row}[data-state="Completed"]`), 'rgb(15, 93, 36)');
    assert.equal(await page.locator(`${row} ${tid('run-error')}`).innerText(), '');
  });

  test('pause and unpause', async () => {
    await page.click(tid('export-pause'));
    await waitText(tid('export-paused-state'), 'Paused');
    assert.equal((await api('GET', `/api/batch_exports/${ids.failing}`)).json.paused, true);
    await page.click(tid('export-unpause'));
    await waitText(tid('export-paused-state'), 'Active');
    assert.equal((await api('GET', `/api/batch_exports/${ids.failing}`)).json.paused, false);
  });

  test('an export named like markup renders as text, and no dialog fires', async () => {
    await fillFileExport({ name: names.evil, dir: path.join(DIR, EVIL_DIR), prefix: '' });
    ids.evil = await createdId();
    await waitText(tid('export-name'), names.evil);
    assert.equal(await page.locator(tid('export-name')).textContent(), names.evil);
    await page.click(tid('nav-exports'));
    const link = page.locator(`${tid('export-row')}[data-export-id="${ids.evil}"] ${tid('export-link')}`);
    await link.waitFor();
    assert.equal(await link.textContent(), names.evil);
    await page.waitForTimeout(1000); // time for an onerror to fire, were there an <img>
    assert.equal(await page.locator('main img').count(), 0);
    assert.deepEqual(dialogs, []);
    await shot('exports-list');
  });

  test('a narrow window shows the list as cards, without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.locator(tid('export-row')).first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than the window`);
      // Every row's delete button is still on screen.
      for (const box of await page.locator(tid('export-delete')).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right))) {
        assert.ok(box <= 390, `a delete button ends at ${box} px`);
      }
      await shot('exports-narrow');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  test('delete asks first, then removes the export', async () => {
    for (const key of ['failing', 'evil', 'main']) {
      const row = page.locator(`${tid('export-row')}[data-export-id="${ids[key]}"]`);
      await row.locator(tid('export-delete')).click();
      await page.locator(tid('confirm-dialog')).waitFor();
      await page.click(tid('confirm-ok'));
      await row.waitFor({ state: 'detached' });
      assert.equal((await api('GET', `/api/batch_exports/${ids[key]}`)).status, 404);
      delete ids[key];
    }
  });

  test('no alert, script error or CSP violation happened on the way', () => {
    assert.deepEqual(dialogs, []);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(cspReports, []);
  });
});
