import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Sequel247Sandbox,
  startSequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { bearer, createAdmin, registerCustomer, type TestUser } from './support/auth.js';
import { SandboxControl } from './support/sequel247-sandbox.js';
import {
  createProduct,
  listen,
  manualDocket,
  placeOrder,
  ship,
  syncNow,
  type OrderRef,
} from './support/store.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The shopper's tracking page in a real headless browser (Debian's chromium, driven with
 * playwright-core): rendered at phone width, not blank, and updated in place when a scan is
 * synced while it is open. tools/chromium/ensure.sh installs chromium (CI runs it).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'd00d00d00d00d00d00d00d00d00d00d0';
const HOUR = 3_600_000;
const PHONE = { width: 390, height: 844 };

interface PixelStats {
  width: number;
  height: number;
  variance: number;
  distinctColours: number;
}

/**
 * Decodes the PNG in the browser (no image library needed) and measures how varied it is.
 * Browser-side code is a string: the project's TypeScript has no DOM types.
 */
const PIXEL_STATS = `async (base64) => {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
  const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
  let sum = 0, sumSquares = 0;
  const colours = new Set();
  const pixels = data.length / 4;
  for (let i = 0; i < data.length; i += 4) {
    const luma = 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
    sum += luma;
    sumSquares += luma * luma;
    colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  }
  const mean = sum / pixels;
  return { width: bitmap.width, height: bitmap.height,
    variance: sumSquares / pixels - mean * mean, distinctColours: colours.size };
}`;

async function pixelStats(page: Page, png: Buffer): Promise<PixelStats> {
  return page.evaluate<PixelStats>(`(${PIXEL_STATS})(${JSON.stringify(png.toString('base64'))})`);
}

describe('tracking page in a real browser', () => {
  let sandbox: Sequel247Sandbox;
  let control: SandboxControl;
  let t: TestApp;
  let base: string;
  let admin: TestUser;
  let customer: TestUser;
  let order: OrderRef;
  let docket: string;
  let pageUrl: string;
  let context: BrowserContext;
  let profileDir: string;
  const t0 = Date.now() - 20 * HOUR;

  async function addScan(code: string, at: number, location: string) {
    const ist = new Date(at + 330 * 60_000).toISOString().replace('T', ' ').slice(0, 19);
    await control.addScan(docket, { code, dateTime: ist, location, description: `Scan ${code}` });
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: run tools/chromium/ensure.sh (as root) first`);
    }
    sandbox = await startSequel247Sandbox({ seed: 31, token: TOKEN, timeScale: 0 });
    control = new SandboxControl(sandbox.controlUrl);
    t = await createTestApp({
      env: {
        SEQUEL247_BASE_URL: sandbox.url,
        SEQUEL247_TOKEN: TOKEN,
        SEQUEL247_RETRIES: '0',
        OUTBOX_POLL_MS: '100',
        OUTBOX_STABILITY_MS: '400',
        EMAIL_ENABLED: 'false',
      },
    });
    base = await listen(t);
    admin = await createAdmin(t);
    customer = await registerCustomer(t);
    const productId = await createProduct(t, admin);
    order = await placeOrder(t, customer, productId);
    docket = await manualDocket(control);
    await addScan('SCREATED', t0, 'BANGALORE');
    await addScan('SPU', t0 + HOUR, 'BANGALORE');
    await ship(t, admin, order.id, docket);
    await addScan('SLINREC', t0 + 2 * HOUR, 'BHIWANDI GATEWAY, MUMBAI 421302');
    await syncNow(t, admin, [docket]);
    const view = await t.http().get(`/api/orders/${order.id}`).set(bearer(customer));
    // The app's own page: the URL template defaults to this instance, so point it at `base`.
    const link = new URL(view.body.data.trackingInfo.trackingUrl as string);
    pageUrl = `${base}${link.pathname}`;

    profileDir = mkdtempSync(path.join(tmpdir(), 'docket-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: PHONE,
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await t?.close();
    await sandbox?.stop();
  });

  it('renders the parcel at phone width, not blank, and shows a new scan without a reload', async () => {
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });

    const response = await page.goto(pageUrl, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.title()).toContain(order.orderNumber);
    expect(await page.locator('h1').innerText()).toBe('In transit');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('[role="status"][aria-live="polite"]').count()).toBe(1);
    expect(await page.locator('.timeline li').count()).toBe(3);
    const body = await page.locator('body').innerText();
    expect(body).toContain(docket);
    expect(body).toContain('Mumbai');
    expect(body).not.toContain('421302');
    // Fits the phone: nothing wider than the viewport.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      PHONE.width,
    );

    const png = await page.screenshot({ fullPage: true });
    // For a person to look at: SCREENSHOT_DIR=/tmp npx vitest run … keeps the image.
    if (process.env.SCREENSHOT_DIR) {
      writeFileSync(path.join(process.env.SCREENSHOT_DIR, 'tracking-page-phone.png'), png);
    }
    const blank = await context.newPage();
    const stats = await pixelStats(blank, png);
    await blank.close();
    expect(stats.width).toBe(PHONE.width);
    expect(stats.variance, JSON.stringify(stats)).toBeGreaterThan(50);
    expect(stats.distinctColours).toBeGreaterThan(20);

    // The page is live: a scan synced while it is open appears in place.
    await page.evaluate('window.stillTheSamePage = true');
    await page.waitForTimeout(500);
    await addScan('SDELASN', t0 + 3 * HOUR, 'CHENNAI');
    await syncNow(t, admin, [docket]);
    await expect
      .poll(() => page.locator('h1').innerText(), { timeout: 15_000 })
      .toBe('Out for delivery');
    expect(await page.locator('.timeline li').count()).toBe(4);
    expect(await page.locator('.timeline li.latest').innerText()).toContain('Chennai');
    expect(await page.locator('#live').innerText()).toMatch(/^Updated .*Out for delivery/);
    expect(await page.evaluate<boolean>('window.stillTheSamePage === true')).toBe(true);

    // Only this app was contacted: no third-party assets.
    expect(
      requested.every((url) => url.startsWith(base)),
      requested.join('\n'),
    ).toBe(true);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('shows a friendly page with 404 for a forged link', async () => {
    const page = await context.newPage();
    // Change one character in the middle of the signature.
    const at = pageUrl.length - 8;
    const forged = `${pageUrl.slice(0, at)}${pageUrl[at] === 'A' ? 'B' : 'A'}${pageUrl.slice(at + 1)}`;
    const response = await page.goto(forged);
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('We could not find this parcel');
    await page.close();
  });
});
