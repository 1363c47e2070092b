import type { ConfigService } from '@nestjs/config';
import { describe, expect, it } from 'vitest';
import type { AllConfig } from '../config/index.js';
import { TrackingLinkSigner } from './tracking-link.signer.js';

const DAY = 24 * 60 * 60 * 1000;
const ORDER = '665f1c2e8b3e4a0012345699';

function signer(secret = 'a'.repeat(40), template = 'https://shop.example.in/t/{token}') {
  const config = {
    getOrThrow: () => ({ linkSecret: secret, linkTtlDays: 90, urlTemplate: template }),
  } as unknown as ConfigService<AllConfig, true>;
  return new TrackingLinkSigner(config);
}

describe('TrackingLinkSigner', () => {
  it('round-trips the order id and expires no sooner than 90 days on', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    const check = signer().verify(signer().sign(ORDER, now), now);
    expect(check).toMatchObject({ valid: true, orderId: ORDER });
    const expiresAt = check.valid ? check.expiresAt.getTime() : 0;
    expect(expiresAt - now.getTime()).toBeGreaterThanOrEqual(90 * DAY);
    expect(expiresAt - now.getTime()).toBeLessThan(91 * DAY);
  });

  it('gives the same link all day, so a view does not change on every read', () => {
    const s = signer();
    expect(s.sign(ORDER, new Date('2026-12-01T00:10:00Z'))).toBe(
      s.sign(ORDER, new Date('2026-12-01T23:50:00Z')),
    );
  });

  it('refuses a link past its expiry', () => {
    const s = signer();
    const token = s.sign(ORDER, new Date('2026-01-01T00:00:00Z'));
    expect(s.verify(token, new Date('2026-04-02T00:00:01Z'))).toEqual({
      valid: false,
      problem: 'expired',
    });
  });

  it('refuses links signed with another secret, altered payloads and junk', () => {
    const token = signer('b'.repeat(40)).sign(ORDER);
    expect(signer().verify(token)).toEqual({ valid: false, problem: 'forged' });
    const other = signer().sign('665f1c2e8b3e4a0012345600');
    const [, mac] = signer().sign(ORDER).split('.');
    expect(signer().verify(`${other.split('.')[0]}.${mac}`)).toEqual({
      valid: false,
      problem: 'forged',
    });
    for (const junk of ['', 'abc', 'a.b', `${token}.x`, token.slice(0, -1)]) {
      expect(signer().verify(junk).valid, junk).toBe(false);
    }
  });

  it('puts the token into the configured URL template', () => {
    const url = signer('a'.repeat(40), 'https://store.in/track?t={token}').urlFor(ORDER);
    expect(url).toMatch(/^https:\/\/store\.in\/track\?t=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
  });
});
