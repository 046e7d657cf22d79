import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../src/api/check.js';
import { resolveTarget } from '../../src/api/target.js';
import { renderHtml } from '../../src/report/html/page.js';
import { traceDocument } from '../../src/report/trace/build.js';
import type { TraceDocument } from '../../src/report/trace/types.js';

// The HTML report in a real browser: Debian's headless Chromium driven by playwright-core. It
// asserts on what is rendered and saves screenshots to artifacts/browser/. There is no skipping:
// without /usr/bin/chromium these tests fail (.ci/run installs it).

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = `${ROOT}artifacts/browser/`;
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

let browser: Browser;
let doc: TraceDocument;
let url: string;
const problems: string[] = [];

async function open(colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) problems.push(`network request: ${r.url()}`);
  });
  await page.goto(url);
  return page;
}

/** The i_dio_count the state panel shows. */
function shownCount(page: Page): Promise<string> {
  return page.locator('[data-counter="inode 131 i_dio_count"]').innerText();
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does`,
    );
  }
  const r = check(resolveTarget('falloc-dio', 'v6.6-rc7'));
  doc = traceDocument(r.target, r.token!, r.execution!);
  mkdirSync(OUT, { recursive: true });
  const file = `${OUT}falloc-dio-rc7.html`;
  writeFileSync(file, renderHtml(doc));
  url = `file://${file}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
});

describe('the report of the seed deadlock in Chromium', () => {
  it('draws one lane per actor, labelled, and fits a 1280x800 screen', async () => {
    const page = await open();
    const labels = await page.locator('#lanes .lane .lane-label').allTextContents();
    expect(labels).toEqual(doc.actors.map((a) => a.label));
    const lanes = await page.locator('#lanes').boundingBox();
    expect(lanes!.x + lanes!.width).toBeLessThanOrEqual(1280);
    expect(lanes!.y + lanes!.height).toBeLessThanOrEqual(800);
    expect(await page.locator('#lanes .dot').count()).toBe(doc.steps.length);
    await page.screenshot({ path: `${OUT}falloc-dio-rc7-light.png` });
    if (process.env.LOCKSTEP_README_SHOT)
      await page.screenshot({ path: `${ROOT}docs/img/falloc-dio-rc7.png` });
    await page.close();
  });

  it('highlights the wait-for cycle and explains it in plain words', async () => {
    const page = await open();
    const bar = page.locator('#lanes .blk.cycle');
    await expect.poll(() => bar.count()).toBe(1);
    expect(await bar.getAttribute('class')).toContain('blk-D');
    expect(await bar.getAttribute('data-actor')).toBe('2');
    expect(await page.locator('#lanes .lane-cycle .lane-label').textContent()).toBe('falloc-dio/502');
    expect(await page.locator('#lanes .arr-cycle text').textContent()).toBe('waits for itself');
    expect(await page.locator('#why li.cycle').innerText()).toMatch(/falloc-dio\/502 waits for itself/);
    const stroke = await page.evaluate<string>(
      "getComputedStyle(document.querySelector('#lanes .blk.cycle rect')).strokeWidth",
    );
    expect(Number.parseFloat(stroke)).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#state .in-cycle h3').innerText()).toMatch(/falloc-dio\/502/);
    await page.close();
  });

  it('shows the world at the step the slider picks', async () => {
    const page = await open();
    const counts = doc.states.map((s) => s.counters[0]!.value);
    const rise = counts.indexOf(1);
    expect(rise).toBeGreaterThan(0);
    expect(await shownCount(page)).toBe('1');
    const slider = page.locator('#step');
    await slider.focus();
    await page.keyboard.press('Home');
    expect(await page.locator('#step-label').innerText()).toBe(`step 0 of ${doc.steps.length}`);
    expect(await shownCount(page)).toBe('0');
    for (let k = 0; k < rise; k++) await page.keyboard.press('ArrowRight');
    expect(await shownCount(page)).toBe('1');
    expect(await page.locator('#now').innerText()).toContain(doc.steps[rise - 1]!.label);
    const x = Number(await page.locator('#cursor').getAttribute('x1'));
    const dot = page.locator(`#lanes .dot[data-step="${rise}"]`);
    expect(Number(await dot.getAttribute('cx'))).toBeCloseTo(x, 0);
    expect(await dot.getAttribute('class')).toContain('current');
    await page.keyboard.press('ArrowLeft');
    expect(await shownCount(page)).toBe('0');
    // Clicking a step dot jumps there too; the held locks of the sleeper appear at the end.
    await page.locator(`#lanes .dot[data-step="${doc.steps.length}"]`).click();
    const sleeper = page.locator('#state [data-actor="2"]');
    expect(await sleeper.innerText()).toMatch(/mapping\.invalidate_lock#3/);
    expect(await sleeper.innerText()).toMatch(/TIF_NOTIFY_SIGNAL/);
    await page.locator(`#lanes .dot[data-step="${rise}"]`).click();
    await page.screenshot({ path: `${OUT}falloc-dio-rc7-step-${rise}.png`, fullPage: true });
    await page.close();
  });

  it('follows a dark colour scheme, and the toggle switches theme', async () => {
    const page = await open('dark');
    const bg = () => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    const luminance = (rgb: string) => {
      const [r = 0, g = 0, b = 0] = (rgb.match(/\d+/g) ?? []).map(Number);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    expect(luminance(await bg())).toBeLessThan(60);
    await page.screenshot({ path: `${OUT}falloc-dio-rc7-dark.png` });
    await page.locator('#theme').click();
    expect(luminance(await bg())).toBeGreaterThan(200);
    await page.locator('#theme').click();
    expect(luminance(await bg())).toBeLessThan(60);
    await page.close();
  });

  it('copies the replay token', async () => {
    const page = await open();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    expect(await page.locator('#token').innerText()).toBe(doc.token);
    await page.locator('#copy').click();
    await expect.poll(() => page.locator('#copy').innerText()).toMatch(/Copied|Ctrl\+C/);
    const copied = await page.evaluate<string | null>('navigator.clipboard.readText().catch(() => null)');
    if (copied !== null) expect(copied).toBe(doc.token);
    await page.close();
  });

  it('logged no console error and made no network request', () => {
    expect(problems).toEqual([]);
  });
});
