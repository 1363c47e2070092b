import type { TestApp } from './test-app.js';

/**
 * Waits until the outbox relay has pulled every entry off the orders. On FerretDB an update is
 * read-modify-write of the whole document, so a test that writes an order straight to the
 * database (or counts the app's queries) must not overlap the relay's own update of it.
 */
export async function ordersOutboxSettled(
  t: Pick<TestApp, 'db'>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await t.db
      .collection('orders')
      .countDocuments({ 'outbox.key': { $exists: true } });
    if (pending === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending} order(s) still carry outbox entries`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
