// Issue point "A status page in a real browser": `exsync run` on the demo tenant serves the page; headless
// Chromium loads it, finds each mailbox, searches an explain and opens the shadow report. Screenshots are kept in
// test-artifacts/status-page/. Every wait is on what the run prints or the page shows, never on the clock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CLI } from '../support/cli';
import { artifactsDir, launchChromium } from '../support/browser';
import { demoTenant } from '../../local/tenant/demo';

let child: ChildProcess;
let output = '';
let browser: Browser;
let page: Page;
let statusUrl: string;
/** What the browser said in its console: a Content-Security-Policy violation would show here. */
const consoleLines: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'exsync-status-'));
const shots = artifactsDir('status-page');

/** Resolves with the first match of `re` in what the run printed, as soon as it is printed. */
function printed(re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = re.exec(output);
      if (m) return resolve(m);
      if (child.exitCode !== null)
        reject(new Error(`exsync run exited ${child.exitCode} before printing ${re}:\n${output}`));
    };
    child.stdout!.on('data', check);
    child.on('exit', check);
    check();
  });
}

before(async () => {
  const env = { ...process.env };
  for (const k of ['DATAVERSE_URL', 'GRAPH_BASE_URL', 'AzureWebJobsStorage', 'CREDENTIAL_MODE', 'STATIC_TOKEN'])
    delete env[k];
  child = spawn(process.execPath, [CLI, 'run', '--data', join(dir, 'data')], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (output += s));
  statusUrl = (await printed(/^status: (http:\/\/127\.0\.0\.1:\d+\/)$/m))[1];
  await printed(/^Checking every \d+ s/m); // the first cycle is over: every mailbox synced
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => consoleLines.push(m.text()));
});

after(async () => {
  await browser?.close();
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

test('A status page in a real browser: the page of exsync run on the demo tenant shows each mailbox with its health and sync times', async () => {
  assert.equal((await page.goto(statusUrl))?.status(), 200);
  const addresses = (demoTenant().dataverse.mailboxes ?? []).map((m) => String(m.emailaddress));
  assert.equal(addresses.length, 4);
  for (const address of addresses) {
    const row = page.locator('#mailboxes-table tr', { has: page.locator(`[data-mailbox="${address}"]`) });
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    assert.equal(cells[1], 'healthy', address);
    assert.match(cells[2], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/, `${address}: last sync`);
    assert.match(cells[3], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/, `${address}: next sync`);
  }
  assert.match(await page.locator('#decisions h2').innerText(), /\(395\)/);
  assert.equal((await page.locator('#decisions-chart rect').count()) > 0, true);
  await page.screenshot({ path: join(shots, 'page.png'), fullPage: true });
  assert.deepEqual(consoleLines, [], 'the page loads with nothing refused by its Content-Security-Policy');
});

test('A status page in a real browser: the explain search answers an item id and a Message-ID as exsync explain does', async () => {
  const item = /exsync explain --item (\S+)/.exec(output)?.[1];
  assert.ok(item, 'the run names a failed item to explain');
  await page.goto(statusUrl);
  await page.fill('#explain-id', item);
  await page.click('#explain button[type=submit]');
  const result = page.locator('#explain-result');
  await result.waitFor();
  assert.match(
    await result.innerText(),
    new RegExp(`^item ${item}: seen by 1 mailbox\\(es\\)[\\s\\S]*failed, InvalidItem`),
  );
  await page.screenshot({ path: join(shots, 'explain-item.png'), fullPage: true });

  const mail = (demoTenant().exchange['alice@contoso.com'].mailFolders ?? []).find((f) => f.wellKnownName === 'inbox')!;
  const messageId = String(mail.messages!.find((m) => m.internetMessageId)!.internetMessageId);
  await page.fill('#explain-id', messageId);
  await page.click('#explain button[type=submit]');
  await result.waitFor();
  const text = await result.innerText();
  assert.ok(text.startsWith(`${messageId}: seen by `), text);
  assert.match(text, /alice@contoso\.com \(inbox\): /);
});

test('A status page in a real browser: the shadow report section opens and says shadow mode is not in use', async () => {
  await page.goto(statusUrl);
  const state = page.locator('#shadow-state');
  assert.equal(await state.isVisible(), false, 'closed until opened');
  await page.click('#shadow summary');
  await state.waitFor({ state: 'visible' });
  assert.match(await state.innerText(), /^Shadow mode not in use/);
  await page.screenshot({ path: join(shots, 'shadow.png'), fullPage: true });
});
