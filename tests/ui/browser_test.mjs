// Browser test of the web app against a real server, in headless Chromium:
//
//   node tests/ui/browser_test.mjs --aurora build/release/src/app/aurora --artifacts /tmp/ui-artifacts
//
// Starts `aurora server --demo` on a fresh data directory and free ports, then as a person would: signs
// in; on Connect mints a token for a new table and runs the curl command the page shows; uploads a CSV
// with one column type changed; runs SQL in Explore and sees a chart; builds a dashboard with a stat panel
// and watches it change within 2 s of new events, without a reload; revokes the token on Admin and sees
// curl refused; asks a question in Explore and sees its SQL and chart; with --kafka-tool, creates a Kafka
// source with the Connect form against a real Kafka-protocol broker and watches it in the list. Screenshots of every page (1280 px wide, and the dashboard at 360 px) go to the artifacts
// directory. Exits 0 on success; on failure prints what failed, saves failure.png and the server's log.
//
// Needs: the app built into the binary, ui/node_modules (npm ci in ui/), Chromium (AURORA_CHROMIUM or
// /usr/bin/chromium), curl.
import { spawn, execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../ui/package.json'));
const { chromium } = require('playwright-core');

const ADMIN_PASSWORD = 'ui-test-password-8f3a1c';
const TEST_TIMEOUT_MS = 110_000;
const LIVE_CHANGE_MS = 2_000;

function parseArgs(argv) {
  const args = { aurora: null, artifacts: null, kafkaTool: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--aurora') args.aurora = argv[++i];
    else if (argv[i] === '--artifacts') args.artifacts = argv[++i];
    else if (argv[i] === '--kafka-tool') args.kafkaTool = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (takes --aurora PATH --artifacts DIR [--kafka-tool PATH])`);
  }
  if (!args.aurora) throw new Error('--aurora PATH_TO_aurora is required');
  args.aurora = path.resolve(args.aurora);
  if (!fs.existsSync(args.aurora)) throw new Error(`no aurora binary at ${args.aurora}`);
  args.artifacts = path.resolve(args.artifacts ?? fs.mkdtempSync(path.join(os.tmpdir(), 'aurora-ui-artifacts-')));
  fs.mkdirSync(args.artifacts, { recursive: true });
  return args;
}

const started = Date.now();
function log(msg) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
}

class TestFailure extends Error {}
function check(condition, message) {
  if (!condition) throw new TestFailure(message);
}

// ---- the server ----

let server = null;
let serverLog = '';

function startServer(aurora, dataDir) {
  return new Promise((resolve, reject) => {
    const proc = spawn(aurora, ['server', '--data', dataDir, '--http-port', '0', '--clickhouse-port', '0', '--demo'], {
      env: { ...process.env, AURORA_ADMIN_PASSWORD: ADMIN_PASSWORD },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = proc;
    let found = false;
    const timer = setTimeout(() => {
      if (!found) reject(new TestFailure(`the server printed no "API and web app" line within 30 s; it printed:\n${serverLog}`));
    }, 30_000);
    const onData = (chunk) => {
      serverLog += chunk.toString();
      const m = /API and web app\s+https?:\/\/[^:]+:(\d+)\//.exec(serverLog);
      if (m && !found) {
        found = true;
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code, signal) => {
      server = null;
      if (!found) {
        clearTimeout(timer);
        reject(new TestFailure(`the server exited (${code ?? signal}) before serving; it printed:\n${serverLog}`));
      }
    });
  });
}

// kafka_tool broker: a Kafka-protocol broker (librdkafka's mock cluster) on a free port.
let broker = null;
function startBroker(kafkaTool, topic) {
  return new Promise((resolve, reject) => {
    const proc = spawn(kafkaTool, ['broker', '--topic', `${topic}:4`], { stdio: ['pipe', 'pipe', 'pipe'] });
    broker = proc;
    let out = '';
    const timer = setTimeout(() => reject(new TestFailure(`the broker did not start: ${out}`)), 20_000);
    proc.stdout.on('data', (chunk) => {
      out += chunk.toString();
      const m = /bootstrap (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
}

function produce(kafkaTool, bootstrap, topic, lines) {
  return new Promise((resolve, reject) => {
    const proc = spawn(kafkaTool, ['produce', '--brokers', bootstrap, '--topic', topic, '--key-prefix', 'k'],
      { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (c) => { out += c; });
    proc.stderr.on('data', (c) => { out += c; });
    proc.on('exit', (code) => (code === 0 ? resolve() : reject(new TestFailure(`the producer failed (${code}): ${out}`))));
    proc.stdin.end(lines.map((l) => l + '\n').join(''));
  });
}

async function stopServer() {
  const proc = server;
  if (!proc) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// ---- helpers ----

let base = '';
const basicAuth = 'Basic ' + Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64');

// A JSON API call as admin (basic auth), independently of the browser.
async function apiJson(method, route) {
  const res = await fetch(`${base}${route}`, { method, headers: { Authorization: basicAuth } });
  const text = await res.text();
  check(res.ok, `${method} /${route} failed: ${res.status} ${text}`);
  return JSON.parse(text);
}

// Runs SQL as admin over the API (basic auth), independently of the browser; answers the rows.
async function sqlRows(query) {
  const res = await fetch(`${base}v1/sql`, {
    method: 'POST',
    headers: { Authorization: basicAuth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, format: 'JSONCompact' }),
  });
  const text = await res.text();
  check(res.ok, `SQL "${query}" failed: ${res.status} ${text}`);
  return JSON.parse(text).data;
}

function sh(command, cwd) {
  return new Promise((resolve) => {
    execFile('sh', ['-c', command], { cwd, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function ndjson(n, startId) {
  const lines = [];
  const now = new Date().toISOString().replace('T', ' ').slice(0, 19);
  for (let i = 0; i < n; i++) {
    lines.push(JSON.stringify({ timestamp: now, user_id: startId + i, action_type: i % 2 ? 'view' : 'purchase', price: 9.5 + i }));
  }
  return lines.join('\n') + '\n';
}

async function waitFor(what, fn, timeoutMs = 10_000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new TestFailure(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : last})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// Replaces the text of a CodeMirror editor as typing would.
async function setEditorText(page, editor, text) {
  const content = editor.locator('.cm-content');
  await content.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

// A link of the main navigation bar.
function navLink(name) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

// ---- the test ----

let browser = null;
let page = null;
let artifacts = '';
let work = null; // the test's temporary directory: the data directory and the files it sends

// Every visible control has a name a screen reader can read: a label, aria-label(ledby), title, or a
// button's text.
async function checkLabels(where) {
  const unlabeled = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('input, select, textarea, button')) {
      if (el.type === 'hidden' || el.getClientRects().length === 0) continue;
      const byId = (ids) => (ids || '').split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
      const name = [
        el.getAttribute('aria-label'),
        byId(el.getAttribute('aria-labelledby')),
        el.labels ? [...el.labels].map((l) => l.textContent).join(' ') : '',
        el.tagName === 'BUTTON' ? el.textContent : '',
        el.getAttribute('title'),
      ].join(' ').trim();
      if (!name) out.push(el.outerHTML.slice(0, 160));
    }
    return out;
  });
  check(unlabeled.length === 0, `${where}: controls without a label: ${unlabeled.join(' | ')}`);
}

async function shot(name) {
  await checkLabels(name);
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
  log(`screenshot ${name}.png`);
}

async function run(args) {
  artifacts = args.artifacts;
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'aurora-ui-test-'));
  const dataDir = path.join(work, 'data');
  const suffix = Date.now().toString(36);
  const httpTable = `clicks_${suffix}`;
  const uploadTable = `upload_${suffix}`;

  log(`starting ${args.aurora} on ${dataDir}`);
  const port = await startServer(args.aurora, dataDir);
  base = `http://127.0.0.1:${port}/`;
  log(`server at ${base}`);

  browser = await chromium.launch({
    executablePath: process.env.AURORA_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless=new'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  // Sign in; the first screen is the first dashboard, live.
  const index = await page.goto(base);
  check(index.ok() && (index.headers()['content-type'] ?? '').includes('text/html'),
    `the server does not serve the web app at / (HTTP ${index.status()}, ${index.headers()['content-type']}): is the app built into the binary?`);
  await page.getByLabel('User').waitFor();
  await shot('sign-in');
  await page.getByLabel('User').fill('admin');
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await waitFor('the first dashboard after sign-in', async () => /#\/dashboards\/[^/]+$/.test(page.url()));
  await page.locator('[data-testid="panel"]').first().waitFor();
  log(`signed in; first screen ${page.url()}`);
  // The demo's ready dashboard is live: its panels fill in, and the event count grows without a reload.
  const demoEvents = page.locator('[data-panel-id="events"] [data-testid="stat-value"]');
  const count = async () => Number(((await demoEvents.textContent()) ?? '').replace(/[^0-9]/g, ''));
  const firstCount = await waitFor('the demo dashboard counting events', async () => (await count()) > 0 && count());
  await page.locator('[data-panel-id="per_minute"] canvas').first().waitFor();
  await page.locator('[data-panel-id="regions"] canvas').first().waitFor();
  await waitFor('the demo dashboard to update by itself', async () => (await count()) > firstCount, 5_000);
  await shot('demo-dashboard');

  // Connect: an HTTP source for a new table, used with the curl command the page shows.
  await navLink('Connect').click();
  await page.getByRole('heading', { name: 'HTTP events' }).waitFor();
  await page.locator('#http-events input[name="table"]').fill(httpTable);
  await page.locator('#http-events').getByRole('button', { name: 'Create token' }).click();
  const curlCommand = (await page.locator('[data-testid="curl-command"]').textContent()).trim();
  const tokenName = (await page.locator('[data-testid="token-name"]').textContent()).trim();
  check(curlCommand.startsWith("curl -H 'Authorization: Bearer aur_"), `unexpected curl command: ${curlCommand}`);
  check(curlCommand.includes(`${base}v1/events?table=${httpTable}`), `the curl command does not name ${base}v1/events?table=${httpTable}: ${curlCommand}`);
  fs.writeFileSync(path.join(work, 'events.ndjson'), ndjson(3, 1));
  const first = await sh(`${curlCommand} -sS --fail-with-body`, work);
  check(first.code === 0, `curl failed (${first.code}): ${first.stdout} ${first.stderr}`);
  check(JSON.parse(first.stdout).rows === 3, `the events API answered ${first.stdout}`);
  const arrived = await sqlRows(`SELECT count() FROM ${httpTable}`);
  check(Number(arrived[0][0]) === 3, `${httpTable} has ${arrived[0][0]} rows, not 3`);
  log(`curl with token ${tokenName} sent 3 rows into ${httpTable}`);
  await shot('connect');

  // Connect: a Kafka source made with the form (checked first), watched in the list: state, rows,
  // quarantined rows with a link to inspect them; paused from the list.
  if (args.kafkaTool) {
    const topic = `clicks_${suffix}`;
    const bootstrap = await startBroker(args.kafkaTool, topic);
    const good = [];
    for (let i = 0; i < 40; i++) good.push(JSON.stringify({ ts: '2024-05-01 10:00:00', user: i, page: `/p${i % 5}` }));
    await produce(args.kafkaTool, bootstrap, topic, [...good, '{"ts": "2024-05-01 10:00:00", "user": "not a number"}', 'not json']);
    const kafka = page.locator('#kafka');
    await kafka.getByLabel('Source name').fill(`k_${suffix}`);
    await kafka.getByLabel('Into table').fill(`kafka_${suffix}`);
    await kafka.getByLabel('Brokers').fill(bootstrap);
    await kafka.getByLabel('Topic').fill(topic);
    await kafka.getByRole('button', { name: 'Check settings' }).click();
    await kafka.getByText('The settings are valid.').waitFor();
    await kafka.getByRole('button', { name: 'Create source' }).click();
    const row = page.locator('tr', { hasText: `k_${suffix}` });
    await row.waitFor({ timeout: 15_000 });
    await waitFor('the Kafka source to show 40 rows and 2 quarantined', async () => {
      const text = await row.textContent();
      return /running/.test(text) && (await row.locator('td.num').nth(1).textContent()).trim() === '40' &&
        (await row.locator('td.num').nth(2).textContent()).trim() === '2';
    }, 30_000, 250);
    const link = await row.locator('td.num a').getAttribute('href');
    check(link.includes(`kafka_${suffix}_quarantine`), `the quarantine link is ${link}`);
    await row.getByRole('button', { name: `Pause k_${suffix}` }).click();
    await waitFor('the source to show paused', async () => /paused/.test(await row.textContent()), 15_000, 250);
    log(`Kafka source k_${suffix}: 40 rows, 2 quarantined, paused from the list`);
    await shot('connect-kafka');
  }

  // Upload a CSV, changing one inferred type before the table is created.
  const csvLines = ['timestamp,product_id,price,quantity,region'];
  for (let i = 0; i < 20; i++) csvLines.push(`2024-01-01 00:${String(i).padStart(2, '0')}:00,${100 + i},${(i * 1.5).toFixed(2)},${1 + (i % 4)},${i % 2 ? 'eu-west' : 'us-east'}`);
  const csvPath = path.join(work, `${uploadTable}.csv`);
  fs.writeFileSync(csvPath, csvLines.join('\n') + '\n');
  await page.locator('#upload input[type="file"]').setInputFiles(csvPath);
  await page.locator('#upload input[name="upload-table"]').fill(uploadTable);
  await page.locator('#upload').getByRole('button', { name: 'Read schema' }).click();
  const quantityType = page.getByLabel('Type of quantity', { exact: true });
  await quantityType.waitFor();
  await quantityType.selectOption('UInt32');
  await page.locator('#upload').getByRole('button', { name: 'Create table and load' }).click();
  await page.locator('[data-testid="upload-result"]').waitFor({ timeout: 20_000 });
  const uploaded = await sqlRows(`SELECT count() FROM ${uploadTable}`);
  check(Number(uploaded[0][0]) === 20, `${uploadTable} has ${uploaded[0][0]} rows, not 20`);
  const qType = await sqlRows(`SELECT type FROM system.columns WHERE table = '${uploadTable}' AND name = 'quantity'`);
  check(qType.length === 1 && qType[0][0] === 'UInt32', `quantity of ${uploadTable} is ${JSON.stringify(qType)}, not UInt32`);
  log(`uploaded 20 CSV rows into ${uploadTable} with quantity as UInt32`);

  // Explore: SQL typed in the editor, run with Ctrl+Enter, drawn as a chart.
  await navLink('Explore').click();
  const editor = page.locator('.explore .sql-editor');
  await editor.locator('.cm-content').waitFor();
  await setEditorText(page, editor, 'SELECT toStartOfMinute(timestamp) AS t, count() AS n\nFROM events\nGROUP BY t\nORDER BY t');
  await page.keyboard.press('Control+Enter');
  await page.locator('.explore [data-testid="chart"] canvas').first().waitFor({ timeout: 15_000 });
  log('Explore drew a chart');
  await shot('explore');

  // Explore: the result table sorts and pages; CSV export downloads the rows; "Add to dashboard" makes a
  // panel on a new dashboard.
  await setEditorText(page, editor, 'SELECT product_id, price FROM events LIMIT 250');
  await page.keyboard.press('Control+Enter');
  const pager = page.getByRole('navigation', { name: 'Result pages' });
  await pager.waitFor({ timeout: 15_000 });
  const firstPage = await pager.textContent();
  await pager.getByRole('button', { name: 'Next page' }).click();
  await waitFor('the next page of rows', async () => (await pager.textContent()) !== firstPage, 5_000);
  const priceHeader = page.locator('.explore th', { has: page.locator('button[title="Sort by price"]') });
  for (let i = 0; i < 2 && (await priceHeader.getAttribute('aria-sort')) !== 'descending'; i++)
    await priceHeader.locator('button').click();
  check((await priceHeader.getAttribute('aria-sort')) === 'descending', 'the price column did not sort descending');
  const prices = (await page.locator('.explore .result-table tbody tr td:nth-child(2)').allTextContents()).map(Number);
  const maxPrice = Number((await sqlRows('SELECT max(price) FROM (SELECT price FROM events LIMIT 250)'))[0][0]);
  check(prices.length > 1 && prices.every((p, i) => i === 0 || prices[i - 1] >= p), `not sorted: ${prices.slice(0, 5)}`);
  check(prices[0] <= maxPrice, `the top price ${prices[0]} is over the rows' maximum ${maxPrice}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const csv = fs.readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
  check(csv[0].replace(/"/g, '') === 'product_id,price' && csv.length === 251, `the CSV has ${csv.length} lines, header ${csv[0]}`);
  await page.getByRole('button', { name: 'Add to dashboard' }).click();
  const addDialog = page.getByRole('dialog');
  await addDialog.locator('select').first().selectOption('__new__'); // "New dashboard…"
  await addDialog.getByLabel("New dashboard's name").fill(`From Explore ${suffix}`);
  await addDialog.getByLabel('Panel title').fill('Prices');
  await addDialog.getByRole('button', { name: 'Add panel' }).click();
  await addDialog.getByRole('link', { name: 'Open the dashboard' }).waitFor();
  await addDialog.getByRole('button', { name: 'Stay here' }).click();
  await addDialog.waitFor({ state: 'detached' });
  const made = (await apiJson('GET', 'v1/dashboards')).dashboards.find((d) => d.name === `From Explore ${suffix}`);
  check(made && made.panels === 1, `no dashboard "From Explore ${suffix}" with one panel: ${JSON.stringify(made)}`);
  const spec = (await apiJson('GET', `v1/dashboards/${made.id}`)).spec;
  check(spec.panels[0].sql.includes('SELECT product_id, price FROM events'), `the panel's SQL is ${spec.panels[0].sql}`);
  log(`Explore: paged, sorted, exported ${csv.length - 1} rows as CSV, added a panel to a new dashboard`);

  // Explore: a question in plain language; the SQL appears in the editor, editable, with its result.
  await page.getByLabel('Ask a question').fill('purchases by device type in the last hour');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await page.locator('[data-testid="ask-explanation"]').waitFor();
  const asked = await editor.locator('.cm-content').textContent();
  check(asked.includes("action_type = 'purchase'") && asked.includes('GROUP BY device_type'),
    `the question's SQL is not in the editor: ${asked}`);
  await page.locator('.explore [data-testid="chart"] canvas').first().waitFor({ timeout: 15_000 });
  log(`asked a question; the editor holds: ${asked}`);
  await page.getByLabel('Ask a question').fill('what is the weather on mars');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await page.locator('[data-testid="ask-unanswered"]').waitFor();
  await shot('explore-question');

  // Dashboards: a new dashboard with a stat panel over the HTTP table.
  await navLink('Dashboards').click();
  await page.getByRole('heading', { name: 'Dashboards' }).waitFor();
  await page.getByRole('link', { name: 'E-commerce live' }).waitFor(); // the demo's dashboard in the list
  await shot('dashboards');
  // Rename, duplicate and delete from the list.
  const fromExplore = `From Explore ${suffix}`;
  await page.getByRole('button', { name: `Rename ${fromExplore}` }).click();
  await page.getByLabel(`New name of ${fromExplore}`).fill(`Prices ${suffix}`);
  await page.getByRole('button', { name: 'Rename', exact: true }).click();
  await page.getByRole('link', { name: `Prices ${suffix}` }).waitFor();
  await page.getByRole('button', { name: `Duplicate Prices ${suffix}` }).click();
  await page.getByLabel(`Name of the copy of Prices ${suffix}`).fill(`Prices copy ${suffix}`);
  await page.getByRole('button', { name: 'Duplicate', exact: true }).click();
  await page.getByRole('link', { name: `Prices copy ${suffix}` }).waitFor();
  await page.getByRole('button', { name: `Delete Prices copy ${suffix}` }).click();
  await page.getByRole('button', { name: `Delete Prices copy ${suffix}` }).click(); // the confirmation
  await page.getByRole('link', { name: `Prices copy ${suffix}` }).waitFor({ state: 'detached' });
  const names = (await apiJson('GET', 'v1/dashboards')).dashboards.map((d) => d.name);
  check(names.includes(`Prices ${suffix}`) && !names.includes(fromExplore) && !names.includes(`Prices copy ${suffix}`),
    `after rename, duplicate and delete the dashboards are ${names}`);
  log('Dashboards: renamed, duplicated and deleted from the list');
  await page.getByLabel('New dashboard').fill(`UI test ${suffix}`);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await waitFor('the new dashboard', async () => /#\/dashboards\/[^/]+$/.test(page.url()));
  await page.getByRole('button', { name: 'Add panel' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByLabel('Title').fill('Clicks');
  await dialog.locator('select[name="chart"]').selectOption('stat');
  await dialog.locator('.cm-content').waitFor();
  await setEditorText(page, dialog, `SELECT count() AS n FROM ${httpTable}`);
  await dialog.getByRole('button', { name: 'Add panel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const save = page.getByRole('button', { name: 'Save', exact: true });
  await save.click();
  await waitFor('the dashboard to be saved', async () => {
    const problem = page.locator('.error-box');
    if (await problem.count()) throw new TestFailure((await problem.first().textContent()).trim());
    return (await save.isDisabled()) && (await save.textContent()).trim() === 'Save';
  });
  const panel = page.locator('[data-testid="panel"]', { has: page.getByRole('heading', { name: 'Clicks' }) });
  const stat = panel.locator('[data-testid="stat-value"]');
  await waitFor('the stat panel to show 3', async () => (await stat.textContent({ timeout: 1000 }))?.trim() === '3', 10_000);
  await waitFor('the live indicator', async () => (await page.getByTestId('live-indicator').textContent()).includes('Live'));
  check((await panel.locator('[data-testid="panel-updated"]').textContent()).startsWith('Updated'), 'the panel shows no update time');
  await page.evaluate(() => { window.__auroraNoReload = true; });

  // More events over HTTP: the stat changes within 2 s, pushed by the server.
  fs.writeFileSync(path.join(work, 'events.ndjson'), ndjson(5, 100));
  const second = await sh(`${curlCommand} -sS --fail-with-body`, work);
  check(second.code === 0, `the second curl failed: ${second.stdout} ${second.stderr}`);
  const sentAt = Date.now();
  await waitFor(`the stat panel to show 8 within ${LIVE_CHANGE_MS} ms`, async () => (await stat.textContent({ timeout: 500 }))?.trim() === '8', LIVE_CHANGE_MS, 50);
  log(`the stat panel changed 3 -> 8 ${Date.now() - sentAt} ms after the events were acknowledged`);
  check(await page.evaluate(() => window.__auroraNoReload === true), 'the page reloaded');
  await shot('dashboard');
  await page.setViewportSize({ width: 360, height: 800 });
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `at 360 px the dashboard is ${overflow} px wider than the window`);
  await shot('dashboard-360');
  await page.setViewportSize({ width: 1280, height: 900 });
  // The dark theme, chosen with the keyboard: focus the toggle and press Enter.
  await page.getByRole('button', { name: 'Use the dark theme' }).focus();
  await page.keyboard.press('Enter');
  await waitFor('the theme toggle to switch to dark', async () => page.evaluate(() => document.documentElement.dataset.theme === 'dark'), 3_000);
  await shot('dashboard-dark');
  await page.getByRole('button', { name: 'Use the light theme' }).click();

  // Monitor.
  await navLink('Monitor').click();
  await page.getByText('Memory (RSS)').waitFor();
  await shot('monitor');

  // Admin: revoke the token; curl with it is refused.
  await navLink('Admin').click();
  const row = page.locator(`tr[data-token-name="${tokenName}"]`);
  await row.waitFor();
  await row.getByRole('button', { name: `Revoke ${tokenName}` }).click();
  await row.getByRole('button', { name: `Revoke ${tokenName}` }).click(); // the confirmation
  await row.waitFor({ state: 'detached' });
  const refused = await sh(`${curlCommand} -s -o /dev/null -w '%{http_code}'`, work);
  check(refused.stdout.trim() === '401', `curl with the revoked token got HTTP ${refused.stdout.trim()}, not 401`);
  log(`revoked ${tokenName}; curl with it gets 401`);
  await shot('admin');

  check(pageErrors.length === 0, `the page threw: ${pageErrors.join('; ')}`);
}

async function cleanup() {
  try {
    await browser?.close();
  } catch {
    // already gone
  }
  browser = null;
  await stopServer();
  broker?.kill('SIGKILL');
  broker = null;
  if (work) fs.rmSync(work, { recursive: true, force: true });
  work = null;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`browser_test: ${e.message}`);
    process.exit(2);
  }
  process.on('exit', () => { server?.kill('SIGKILL'); broker?.kill('SIGKILL'); }); // a last resort if cleanup could not run
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, async () => {
      console.error(`browser_test: ${sig}, stopping`);
      await cleanup();
      process.exit(130);
    });
  }
  const watchdog = setTimeout(async () => {
    console.error(`FAIL: the test took over ${TEST_TIMEOUT_MS / 1000} s`);
    if (page) await page.screenshot({ path: path.join(args.artifacts, 'failure.png') }).catch(() => undefined);
    fs.writeFileSync(path.join(args.artifacts, 'server.log'), serverLog);
    await cleanup();
    process.exit(1);
  }, TEST_TIMEOUT_MS);
  let code = 0;
  try {
    await run(args);
    log(`PASS (screenshots in ${args.artifacts})`);
  } catch (e) {
    code = 1;
    console.error(`FAIL: ${e instanceof TestFailure ? e.message : e.stack ?? e}`);
    if (page) await page.screenshot({ path: path.join(args.artifacts, 'failure.png'), fullPage: true }).catch(() => undefined);
    fs.writeFileSync(path.join(args.artifacts, 'server.log'), serverLog);
    console.error(`failure.png and server.log are in ${args.artifacts}`);
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
  process.exit(code);
}

main();
