// The web application in a real browser (Debian's chromium, driven by playwright-core; nothing is
// downloaded) against the real `faceloop serve`:
//   sign up -> key shown -> try it with the astronaut -> one face drawn -> history shows it ->
//   feedback given -> an analyst sees it counted -> key revoked -> the next call fails -> log in
//   again, back where we were -> account deleted. Around it: the account page's preferences and
//   sessions (another one revoked); the history's face-count filter (server
//   side); the analyst's reports (a report built with `faceloop report`, its detail and charts) and
//   alerts (a rule created after a 422 shown at its field, edited, deleted; the timeline); exports
//   (one started, complete, its archive downloaded); an admin
//   (made with `faceloop users create`) changes a user's role and deletes that user.
// Every page is checked with axe-core (no serious or critical violation), at phone width (375 px,
// no horizontal scrolling) for the user and desktop width for the analyst, and a screenshot of each
// is saved under $FACELOOP_E2E_OUT (default build/web-e2e). A console error, a CSP violation or a
// JavaScript dialog (the XSS probe) fails the run.
//
//   node web/tests/e2e.mjs [path/to/faceloop]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const BIN = resolve(process.argv[2] ?? join(ROOT, 'build/faceloop'));
const OUT = resolve(process.env.FACELOOP_E2E_OUT ?? join(ROOT, 'build/web-e2e'));
const ASTRONAUT = '/usr/lib/python3/dist-packages/skimage/data/astronaut.png';
const AXE = readFileSync(join(ROOT, 'web/node_modules/axe-core/axe.min.js'), 'utf8');
const XSS_NAME = '<img src=x onerror=alert(1)>';
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

// The answer to a filter arrives before the page re-renders its list, so a count read right after
// the response can still see the old rows: wait (up to 5 s) for the count to become the expected
// one, then check it.
async function checkCount(locator, expected, message) {
  for (let i = 0; i < 50 && (await locator.count()) !== expected; i++) await new Promise((r) => setTimeout(r, 100));
  const count = await locator.count();
  check(count === expected, `${message} (${count} rows, expected ${expected})`);
}

// Focus moves after the next render, not with the click's answer: poll for up to 5 s, then check.
async function checkFocused(locator, message) {
  const focused = () => locator.evaluate((element) => element === document.activeElement).catch(() => false);
  for (let i = 0; i < 50 && !(await focused()); i++) await new Promise((r) => setTimeout(r, 100));
  check(await focused(), message);
}

async function freePort() {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function startServer(dataDir) {
  const port = await freePort();
  const child = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, FACELOOP_WEB_DIR: join(ROOT, 'web/dist'), FACELOOP_LOG_LEVEL: 'warn' },
  });
  let log = '';
  child.stderr.on('data', (chunk) => (log += chunk));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, base, log: () => log };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`faceloop serve did not start:\n${log}`);
}

/// Watches a page for what must never happen: console errors, CSP violations, dialogs.
function guard(page, problems) {
  // 401 (the session of a revoked key), 415 (the non-image upload) and 422 (the alert rule without
  // a threshold) are the test's own doing.
  page.on('console', (m) => m.type() === 'error' && !/status of (401|415|422)/.test(m.text()) && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog opened: ${d.message()}`);
    d.dismiss();
  });
}

async function audit(page, name) {
  // Runtime.evaluate is not subject to the page's CSP, so axe runs without weakening it.
  await page.evaluate(AXE);
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, `${name}: axe ${bad.map((v) => `${v.id} (${v.nodes.map((n) => n.target).join(' ')})`).join(', ')}`);
  const viewport = page.viewportSize();
  if (viewport.width <= 375) {
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    check(scroll <= viewport.width, `${name}: ${scroll} px wide at ${viewport.width} px`);
  }
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
  console.log(`  ${name}: ok`);
}

const nav = (page, name) => page.getByRole('navigation').getByRole('link', { name, exact: true }).click();

function cli(dataDir, ...args) {
  const run = spawnSync(BIN, [...args, '--data-dir', dataDir], { encoding: 'utf8' });
  check(run.status === 0, `faceloop ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

const keyOf = (out) => out.match(/fl_\S+/)?.[0];

/// Audits a page at desktop width, then at phone width (no sideways scrolling), then back.
async function auditBoth(page, name) {
  await audit(page, `${name}-desktop`);
  await page.setViewportSize(PHONE);
  await audit(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'faceloop-e2e-'));
  const server = await startServer(dataDir);
  const analystKey = spawnSync(BIN, ['users', 'create', '--email', 'analyst@example.com', '--role', 'analyst', '--data-dir', dataDir], {
    encoding: 'utf8',
  }).stdout.match(/fl_\S+/)?.[0];
  check(analystKey, 'analyst created');
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args });
  const problems = [];
  try {
    const user = await browser.newContext({ viewport: PHONE, baseURL: server.base });
    const page = await user.newPage();
    guard(page, problems);

    await page.goto('/signup');
    await audit(page, '01-signup');
    await page.getByLabel('E-mail').fill('ada@example.com');
    await page.getByLabel('Name (optional)').fill(XSS_NAME);
    await page.getByRole('button', { name: 'Sign up' }).click();
    const key = (await page.getByTestId('secret').textContent()).trim();
    check(key.startsWith('fl_'), 'the key is shown');
    check((await page.getByRole('heading', { level: 1 }).textContent()) === `Welcome, ${XSS_NAME}`, 'the name is text');
    await audit(page, '02-key-shown');
    await page.getByRole('button', { name: 'Continue with this key' }).click();

    await page.waitForURL('**/try');
    await page.getByLabel('Image file').setInputFiles(ASTRONAUT);
    await page.getByRole('button', { name: 'Detect faces' }).click();
    await page.getByTestId('face-count').filter({ hasText: '1 face found' }).waitFor();
    await audit(page, '03-try-it');
    // An upload that is not an image gets the API's message, not a blank page.
    await page.getByLabel('Image file').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not an image') });
    await page.getByRole('button', { name: 'Detect faces' }).click();
    await page.getByRole('alert').filter({ hasText: /JPEG, PNG or WebP|corrupt|415|400/ }).waitFor();

    await nav(page, 'History');
    await checkCount(page.locator('.history li'), 2, 'history shows both requests');
    await audit(page, '04-history');
    // The face-count filter is the server's: at least one face leaves the detect, not the 415.
    await page.getByLabel('Faces at least').fill('1');
    const filtered = page.waitForResponse((r) => r.url().includes('min_faces=1') && r.ok());
    await page.getByRole('button', { name: 'Filter' }).click();
    await filtered;
    await checkCount(page.locator('.history li'), 1, 'min_faces=1 leaves one request');
    await page.locator('.history li', { hasText: '1 face' }).getByRole('link').click();
    await page.getByRole('button', { name: 'Correct', exact: true }).click();
    await page.getByText('feedback saved').waitFor();
    await audit(page, '05-request-feedback');

    await nav(page, 'Account');
    check((await page.getByTestId('user-name').textContent()) === XSS_NAME, 'account shows the name as text');
    check((await page.locator('main img').count()) === 0, 'no image element from the name');
    // Preferences: rating e-mails off is kept by the server (still off after a reload).
    const rating = page.getByLabel('E-mails asking me to rate recent results');
    check(await rating.isChecked(), 'rating e-mails are on by default');
    await rating.uncheck();
    await page.getByText('Preferences saved.').waitFor();
    // A second session (another device), then revoked from this page.
    const other = await fetch(`${server.base}/v1/sessions`, { method: 'POST', headers: { Authorization: `Bearer ${key}` } });
    check(other.status === 201, `a second session, not ${other.status}`);
    const otherToken = (await other.json()).token;
    await page.reload();
    await page.getByLabel('My requests may be used to train the models').waitFor();
    check(!(await rating.isChecked()), 'the rating e-mail choice is stored');
    const rows = page.getByTestId('sessions').locator('tbody tr');
    await checkCount(rows, 2, 'both sessions are listed');
    await rows.filter({ hasNotText: 'this browser' }).getByRole('button', { name: /Revoke/ }).click();
    await audit(page, '06-account');
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await page.getByText('Session revoked.').waitFor();
    await rows.nth(1).waitFor({ state: 'detached' });  // one session is left
    const ended = await fetch(`${server.base}/v1/me`, { headers: { Authorization: `Bearer ${otherToken}` } });
    check(ended.status === 401, `the revoked session gets 401, not ${ended.status}`);

    const analyst = await browser.newContext({ viewport: DESKTOP, baseURL: server.base });
    const apage = await analyst.newPage();
    guard(apage, problems);
    await apage.goto('/insights');
    await apage.waitForURL('**/login?next=%2Finsights');
    await audit(apage, '07-login');
    await apage.getByLabel('API key').fill(analystKey);
    await apage.getByRole('button', { name: 'Log in' }).click();
    await apage.waitForURL('**/insights');
    await apage.getByTestId('feedback-count').filter({ hasText: /^1$/ }).waitFor();
    await apage.getByTestId('summary-total').waitFor();
    await apage.locator('.loading').first().waitFor({ state: 'detached' });
    await audit(apage, '08-insights');
    await apage.getByTestId('correlation-curves').or(apage.getByText('Not enough requests yet for correlation curves.')).waitFor();

    // Reports: today's daily report, built by the CLI on the live data folder.
    cli(dataDir, 'report', '--period', 'day', '--at', new Date().toISOString().slice(0, 10));
    await nav(apage, 'Reports');
    await apage.locator('.reports li a').first().waitFor();
    await auditBoth(apage, '10-reports');
    await apage.locator('.reports li a').first().click();
    await apage.getByTestId('report-numbers').waitFor();
    await apage.locator('.charts .uplot').nth(1).waitFor();  // the charts are drawn after the numbers
    check((await apage.locator('.charts .uplot').count()) >= 2, 'the report draws its charts');
    await auditBoth(apage, '11-report');

    // Alerts: a rule without a threshold gets the 422 at its field; then created, edited, deleted.
    await nav(apage, 'Alerts');
    await apage.getByRole('button', { name: 'New rule' }).click();
    await apage.getByLabel('Name').fill('e2e confidence');
    await apage.getByRole('button', { name: 'Create rule' }).click();
    await apage.locator('#rule-threshold-error').waitFor();
    check((await apage.getByLabel('Threshold').getAttribute('aria-invalid')) === 'true', 'the 422 marks the threshold');
    await auditBoth(apage, '12-alerts-invalid');
    await apage.getByLabel('Threshold').fill('0.5');
    await apage.getByRole('button', { name: 'Create rule' }).click();
    await apage.getByText('Rule "e2e confidence" created.').waitFor();
    await apage.getByRole('button', { name: 'Edit e2e confidence' }).click();
    await apage.getByLabel('Threshold').fill('0.4');
    await apage.getByRole('button', { name: 'Save rule' }).click();
    await apage.getByRole('row', { name: /e2e confidence.*< 0\.4/ }).waitFor();
    await apage.locator('.loading').first().waitFor({ state: 'detached' });
    await auditBoth(apage, '13-alerts');
    await apage.getByRole('button', { name: 'Delete e2e confidence' }).click();
    await apage.getByRole('button', { name: 'Yes, delete' }).click();
    await apage.getByText('Rule "e2e confidence" deleted.').waitFor();

    // Exports: a Label Studio export of the analyst's traffic, started, refreshed until complete,
    // and its archive offered for download.
    await nav(apage, 'Exports');
    await apage.getByLabel('Format').selectOption('labelstudio');
    await apage.getByRole('button', { name: 'Start export' }).click();
    await apage.getByText(/Export ex\S+ started\./).waitFor();
    for (let i = 0; i < 50 && (await apage.getByRole('link', { name: 'Download (tar)' }).count()) === 0; i++) {
      await apage.waitForTimeout(200);
      await apage.getByRole('button', { name: 'Refresh' }).click();
    }
    const archive = await apage.getByRole('link', { name: 'Download (tar)' }).first().getAttribute('href');
    check(/^\/v1\/exports\/ex\S+\/archive$/.test(archive ?? ''), 'a complete export offers its archive');
    const tar = await apage.request.get(archive);
    check(tar.status() === 200 && tar.headers()['content-type'] === 'application/x-tar', 'the archive downloads as tar');
    await auditBoth(apage, '13-exports');

    // An admin changes a user's role, then deletes the user after typing the address.
    const adminKey = keyOf(cli(dataDir, 'users', 'create', '--email', 'root@example.com', '--role', 'admin'));
    cli(dataDir, 'users', 'create', '--email', 'bob@example.com');
    const admin = await browser.newContext({ viewport: DESKTOP, baseURL: server.base });
    const upage = await admin.newPage();
    guard(upage, problems);
    await upage.goto('/admin/users');
    await upage.waitForURL('**/login?next=%2Fadmin%2Fusers');
    await upage.getByLabel('API key').fill(adminKey);
    await upage.getByRole('button', { name: 'Log in' }).click();
    await upage.waitForURL('**/admin/users');
    await upage.getByRole('cell', { name: 'analyst@example.com', exact: true }).waitFor();
    await auditBoth(upage, '14-admin-users');
    await upage.getByLabel('E-mail starts with').fill('bob');
    const onlyBob = upage.waitForResponse((r) => r.url().includes('email=bob') && r.ok());
    await upage.getByRole('button', { name: 'Filter' }).click();
    await onlyBob;
    await checkCount(upage.locator('tbody tr'), 1, 'the filter leaves bob');
    await upage.getByLabel('Role of bob@example.com').selectOption('analyst');
    await upage.getByRole('button', { name: 'Change role of bob@example.com' }).click();
    await audit(upage, '15-admin-role-confirm');
    await upage.getByRole('button', { name: 'Make analyst' }).click();
    await upage.getByText('bob@example.com is now analyst.').waitFor();
    check((await upage.getByLabel('Role of bob@example.com').inputValue()) === 'analyst', 'the role is shown changed');
    await upage.getByRole('button', { name: 'Delete bob@example.com' }).click();
    const confirmDelete = upage.getByRole('button', { name: 'Delete account' });
    check(await confirmDelete.isDisabled(), 'deleting needs the typed address');
    // Focus moves into the step: the address is typed from the keyboard, Enter deletes.
    await checkFocused(upage.getByLabel(/Type the address/), 'focus is in the address field');
    await upage.keyboard.type('bob@example.com');
    check((await upage.getByLabel(/Type the address/).inputValue()) === 'bob@example.com', 'the address was typed');
    await audit(upage, '16-admin-delete-confirm');
    await upage.keyboard.press('Enter');
    await upage.getByText('bob@example.com and their data were deleted.').waitFor();
    await upage.getByText('No users match.').waitFor();

    await nav(page, 'Keys');
    await page.getByLabel('New key name').fill('second');
    await page.getByRole('button', { name: 'Create key' }).click();
    const second = (await page.getByTestId('secret').textContent()).trim();
    await page.getByRole('row', { name: /default/ }).getByRole('button', { name: /Revoke/ }).click();
    await audit(page, '09-keys-confirm');
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    // The session was opened with the revoked key: it has ended, so the next call sends us to log in.
    await page.waitForURL('**/login?next=%2Fkeys');
    const revoked = await fetch(`${server.base}/v1/keys`, { headers: { Authorization: `Bearer ${key}` } });
    check(revoked.status === 401, `the revoked key gets 401, not ${revoked.status}`);
    await page.getByLabel('API key').fill(second);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/keys');

    await nav(page, 'Account');
    await page.getByLabel(/Type your e-mail address/).fill('ada@example.com');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.waitForURL('**/signup?deleted=1');
    const deleted = await fetch(`${server.base}/v1/me`, { headers: { Authorization: `Bearer ${second}` } });
    check(deleted.status === 401, `the deleted account's key gets 401, not ${deleted.status}`);
    check(problems.length === 0, problems.join('\n'));
    console.log(`web e2e: passed; screenshots in ${OUT}`);
  } finally {
    await browser.close();
    server.child.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`web e2e: FAILED: ${error.message}`);
  process.exit(1);
});
