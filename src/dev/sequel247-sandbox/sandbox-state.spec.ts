import { afterEach, describe, expect, it, vi } from 'vitest';
import { SandboxSnapshot, SandboxSnapshotError } from './sandbox-snapshot.js';
import { SandboxInputError, SandboxState } from './sandbox-state.js';
import { SCENARIO_SCRIPTS } from './scenarios.js';

const START = Date.parse('2024-03-01T04:30:00Z'); // 10:00 IST

function codes(state: SandboxState, docket: string): string[] {
  return state.requireDocket(docket).scans.map((s) => s.code);
}

/** Through JSON text, as the state file stores it. */
function saved(state: SandboxState): SandboxSnapshot {
  return JSON.parse(JSON.stringify(state.toSnapshot())) as SandboxSnapshot;
}

/** What a courier client can see of every docket. */
function story(state: SandboxState) {
  return state.listDockets().map((r) => ({
    docket: r.docket,
    status: state.currentCode(r),
    eta: r.eta,
    brn: r.brn,
    scans: r.scans,
    nextDueAt: r.nextDueAt,
  }));
}

describe('SandboxState', () => {
  it('is deterministic given a seed: same dockets, timings and ETAs', () => {
    const story = (seed: number) => {
      const state = new SandboxState({ seed, now: START });
      const dockets = state.createMany(20);
      state.advanceClock(3 * 24 * 60);
      return dockets.map((d) => {
        const r = state.requireDocket(d);
        return [d, r.eta, r.scans.map((s) => `${s.code}@${s.at}`)];
      });
    };
    expect(story(7)).toEqual(story(7));
    expect(story(7)).not.toEqual(story(8));
  });

  it('issues unique 10-digit dockets, some with a leading zero', () => {
    const state = new SandboxState({ seed: 1, now: START });
    const dockets = state.createMany(200);
    expect(new Set(dockets).size).toBe(200);
    expect(dockets.every((d) => /^\d{10}$/.test(d))).toBe(true);
    expect(dockets.some((d) => d.startsWith('0'))).toBe(true);
  });

  it('plays a delivered script to the end as the clock moves, with an ETA in the future', () => {
    const state = new SandboxState({ now: START });
    const { docket, eta } = state.createDocket({ scenario: 'delivered', destination: '400001' });
    expect(codes(state, docket)).toEqual(['SCREATED']);
    expect(eta).toBeGreaterThan(START);
    const { scansIssued } = state.advanceClock(10 * 24 * 60);
    expect(scansIssued).toBe(SCENARIO_SCRIPTS.delivered.length - 1);
    expect(codes(state, docket)).toEqual([
      'SCREATED',
      'SPU',
      'SCHECKIN',
      'SLINREC',
      'SLINORIN',
      'SLINDEST',
      'SDELASN',
      'SDELVD',
    ]);
    const record = state.requireDocket(docket);
    expect(record.scans.find((s) => s.code === 'SDELASN')?.location).toBeNull();
    expect(record.scans[0].location).toBe('BANGALORE');
    expect(record.scans.at(-1)?.location).toBe('MUMBAI');
  });

  it('pushes the ETA a day on a failed attempt', () => {
    const state = new SandboxState({ now: START });
    const record = state.createDocket({ scenario: 'failed-attempt' });
    const firstEta = record.eta!;
    state.advanceDocket(record.docket, 7);
    expect(state.currentCode(record)).toBe('SUNDELV');
    expect(record.eta! - firstEta).toBeGreaterThanOrEqual(24 * 3_600_000);
  });

  it('ends return-to-origin, cancelled and stuck scripts where they should', () => {
    const state = new SandboxState({ now: START });
    const rto = state.createDocket({ scenario: 'return-to-origin' }).docket;
    const cancelled = state.createDocket({ scenario: 'cancelled' }).docket;
    const stuck = state.createDocket({ scenario: 'stuck' }).docket;
    state.advanceClock(30 * 24 * 60);
    expect(codes(state, rto).at(-1)).toBe('SRTODLV');
    expect(codes(state, cancelled)).toEqual(['SCREATED', 'SCANCELLED']);
    expect(state.requireDocket(cancelled).eta).toBeNull();
    expect(codes(state, stuck).at(-1)).toBe('SLINORIN');
    expect(state.requireDocket(stuck).nextDueAt).toBeNull();
  });

  it('gives a manual docket no scans at all until the control API adds them, whatever the clock', () => {
    const state = new SandboxState({ now: START });
    const record = state.createDocket({ scenario: 'manual', destination: '411001' });
    expect(record.scans).toEqual([]);
    expect(state.currentCode(record)).toBe('SCREATED');
    expect(record.nextDueAt).toBeNull();
    expect(state.advanceClock(30 * 24 * 60).scansIssued).toBe(0);
    expect(state.advanceDocket(record.docket, 3).scans).toEqual([]);
    state.addScan(record.docket, { code: 'SPU', location: 'PUNE', at: START - 3_600_000 });
    expect(codes(state, record.docket)).toEqual(['SPU']);
    expect(state.currentCode(state.requireDocket(record.docket))).toBe('SPU');
  });

  it('advancing one docket plays its next scans now, in order, without touching others', () => {
    const state = new SandboxState({ now: START });
    const a = state.createDocket().docket;
    const b = state.createDocket().docket;
    state.advanceDocket(a, 2);
    expect(codes(state, a)).toEqual(['SCREATED', 'SPU', 'SCHECKIN']);
    expect(codes(state, b)).toEqual(['SCREATED']);
    const times = state.requireDocket(a).scans.map((s) => s.at);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });

  it('cancels only before the delivery agent has the parcel', () => {
    const state = new SandboxState({ now: START });
    const early = state.createDocket().docket;
    const late = state.createDocket().docket;
    state.advanceDocket(late, 6);
    expect(state.cancel(early)).toBe('cancelled');
    expect(state.cancel(early)).toBe('already-cancelled');
    expect(state.cancel(late)).toBe('not-cancellable');
    expect(state.cancel('0000000000')).toBe('not-found');
    state.advanceClock(30 * 24 * 60);
    expect(codes(state, early).at(-1)).toBe('SCANCELLED');
  });

  it('records control-API scans as given, optionally leaving the status alone', () => {
    const state = new SandboxState({ now: START });
    const docket = state.createDocket().docket;
    state.addScan(docket, { code: 'SWEIRD', at: START - 3_600_000 }, false);
    expect(state.currentCode(state.requireDocket(docket))).toBe('SCREATED');
    state.addScan(docket, { code: 'SNEW' });
    expect(state.currentCode(state.requireDocket(docket))).toBe('SNEW');
    state.setStatus(docket, 'SINEXCP');
    expect(state.currentCode(state.requireDocket(docket))).toBe('SINEXCP');
  });

  it('refuses bad control input with a status for the control API', () => {
    const state = new SandboxState({ now: START });
    const docket = state.createDocket().docket;
    expect(() => state.createDocket({ docket })).toThrow(SandboxInputError);
    expect(() => state.createDocket({ destination: '999999' })).toThrow(/not serviceable/);
    expect(() => state.requireDocket('0000000000')).toThrow(/does not exist/);
  });

  describe('faults', () => {
    it('a docket fault beats a global one, and counts run down', () => {
      const state = new SandboxState({ now: START });
      state.addFault({ type: 'http5xx', count: 1 });
      state.addFault({ type: 'drop', docket: '0000000001', count: 1 });
      expect(state.takeFaults('/api/track', ['0000000001']).fault?.type).toBe('drop');
      expect(state.takeFaults('/api/track', ['0000000001']).fault?.type).toBe('http5xx');
      expect(state.takeFaults('/api/track', ['0000000001']).fault).toBeNull();
      expect(state.stats().faultsInjected).toEqual({ drop: 1, http5xx: 1 });
    });

    it('latency adds to whatever else happens and can be limited to an endpoint', () => {
      const state = new SandboxState({ now: START });
      state.addFault({ type: 'latency', latencyMs: 50, endpoint: '/api/trackMultiple' });
      state.addFault({ type: 'rate-limit', retryAfterSeconds: 2 });
      expect(state.takeFaults('/api/trackMultiple', [])).toMatchObject({
        latencyMs: 50,
        fault: { type: 'rate-limit', retryAfterSeconds: 2 },
      });
      expect(state.takeFaults('/api/track', [])).toMatchObject({ latencyMs: 0 });
    });

    it('rejects unknown fault types', () => {
      const state = new SandboxState();
      expect(() => state.addFault({ type: 'gremlins' as never })).toThrow(SandboxInputError);
    });
  });

  describe('snapshots', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('restores dockets mid-script so they continue exactly as they would have', () => {
      const before = new SandboxState({ seed: 3, now: START });
      const dockets = [
        before.createDocket({ scenario: 'failed-attempt', destination: '400001' }).docket,
        before.createDocket({ scenario: 'return-to-origin' }).docket,
        before.createDocket({ scenario: 'exception', destination: '221001' }).docket,
        before.createDocket({ scenario: 'manual' }).docket,
      ];
      before.createMany(5);
      before.advanceDocket(dockets[0], 7); // SUNDELV: ETA already pushed a day
      before.advanceClock(20 * 60);
      before.addScan(dockets[3], { code: 'SWEIRD', location: 'PUNE', at: START - 60_000 }, false);
      before.setStatus(dockets[2], 'SINEXCP');
      before.cancel(before.listDockets()[5].docket);
      before.updateSettings({ trackMultipleShape: 'array', defaultScenario: 'stuck' });

      const after = SandboxState.fromSnapshot(saved(before));

      expect(story(after)).toEqual(story(before));
      expect(after.settings).toEqual({ trackMultipleShape: 'array', defaultScenario: 'stuck' });
      expect(after.currentCode(after.requireDocket(dockets[3]))).toBe('SCREATED');
      for (const state of [before, after]) state.advanceClock(30 * 24 * 60);
      expect(story(after)).toEqual(story(before));
      expect(codes(after, dockets[0]).at(-1)).toBe('SDELVD');
      expect(codes(after, dockets[1]).at(-1)).toBe('SRTODLV');
    });

    it('brings a frozen clock back exactly, however long the sandbox was stopped', () => {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-05-01T00:00:00Z') });
      const before = new SandboxState({ now: START });
      const docket = before.createDocket().docket;
      before.advanceClock(90);
      const snapshot = saved(before);

      vi.setSystemTime(Date.parse('2026-05-03T00:00:00Z'));
      const after = SandboxState.fromSnapshot(snapshot, { timeScale: 0 });

      expect(after.now()).toBe(START + 90 * 60_000);
      expect(after.currentTimeScale).toBe(0);
      expect(story(after)).toEqual(story(before));
      expect(codes(after, docket)).toEqual(['SCREATED']);
    });

    it('lets a running clock catch up on the time it was stopped, playing the scans due meanwhile', () => {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-05-01T00:00:00Z') });
      const before = new SandboxState({ now: START, timeScale: 60 });
      const docket = before.createDocket({ destination: '400001' }).docket;
      const snapshot = saved(before);
      expect(snapshot.clock).toEqual({ now: START, timeScale: 60 });

      vi.setSystemTime(Date.parse('2026-05-01T02:00:00Z')); // 2 real hours = 5 sandbox days
      const after = SandboxState.fromSnapshot(snapshot, { timeScale: 60 });

      expect(after.now()).toBe(START + 2 * 60 * 60 * 60_000);
      expect(after.now()).toBe(before.now()); // as if it had never stopped
      expect(codes(after, docket).at(-1)).toBe('SDELVD');
      expect(story(after)).toEqual(story(before));
      expect(after.revision).toBe(0); // nothing a fresh snapshot would add
    });

    it('counts the stopped time at the saved speed, then runs at the configured one', () => {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-05-01T00:00:00Z') });
      const snapshot = saved(new SandboxState({ now: START, timeScale: 60 }));
      vi.setSystemTime(Date.parse('2026-05-01T01:00:00Z'));
      const after = SandboxState.fromSnapshot(snapshot, { timeScale: 0 });
      vi.setSystemTime(Date.parse('2026-05-01T05:00:00Z'));
      expect(after.now()).toBe(START + 60 * 60 * 60_000);
      expect(after.currentTimeScale).toBe(0);
      expect(after.revision).toBeGreaterThan(0); // the new speed must reach the file
    });

    it('continues the random sequence, so new dockets never repeat the ones issued before', () => {
      const before = new SandboxState({ seed: 11, now: START });
      const first = before.createMany(50);
      const after = SandboxState.fromSnapshot(saved(before), { seed: 11 });

      const next = after.createMany(50);

      expect(next).toEqual(before.createMany(50));
      expect(next.filter((d) => first.includes(d))).toEqual([]);
      // What a restart without the random position would have done: issue the same dockets again.
      expect(new SandboxState({ seed: 11, now: START }).createMany(50)).toEqual(first);
      after.reset(); // back to the configured seed, as without a snapshot
      expect(after.createMany(50)).toEqual(first);
    });

    it('refuses a corrupt or unknown-version snapshot instead of misreading it', () => {
      const state = new SandboxState({ now: START });
      state.createDocket();
      const good = saved(state);
      const broken: unknown[] = [
        null,
        'not a snapshot',
        { ...good, version: 2 },
        { ...good, version: undefined },
        { ...good, clock: { now: 'yesterday', timeScale: 0 } },
        { ...good, dockets: [{ ...good.dockets[0], gaps: [1, 2] }] },
        { ...good, dockets: [{ ...good.dockets[0], scenario: 'teleported' }] },
        { ...good, dockets: [good.dockets[0], good.dockets[0]] },
      ];
      for (const snapshot of broken) {
        expect(() => SandboxState.fromSnapshot(snapshot)).toThrow(SandboxSnapshotError);
      }
      expect(SandboxState.fromSnapshot(good).docketCount).toBe(1);
    });

    it('leaves faults and request counts out of the snapshot and its revision', () => {
      const state = new SandboxState({ now: START });
      const docket = state.createDocket().docket;
      const revision = state.revision;
      state.addFault({ type: 'drop' });
      state.recordRequest('/api/track', [docket]);
      state.getDocket(docket);
      expect(state.revision).toBe(revision);
      const after = SandboxState.fromSnapshot(saved(state));
      expect(after.listFaults()).toEqual([]);
      expect(after.stats().total).toBe(0);
    });
  });
});
