import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { configNamespaces } from '../../src/config/index.js';
import { Sequel247Module } from '../../src/courier/sequel247/sequel247.module.js';
import { SEQUEL247_CLIENT } from '../../src/courier/sequel247/sequel247-client.interface.js';
import type { Sequel247HttpClient } from '../../src/courier/sequel247/sequel247-http.client.js';
import type { FaultSpec } from '../../src/dev/sequel247-sandbox/sandbox-state.js';
import { BASE_TEST_ENV } from './test-app.js';

/** A docket as the control API describes it. */
export interface DocketSnapshot {
  docket: string;
  scenario: string;
  status: string;
  eta: string | null;
  etaIst: string | null;
  scans: Array<{ code: string; description: string; location: string | null; dateTime: string }>;
  nextScanAt: string | null;
  remainingSteps: number;
}

export interface SandboxStatsView {
  total: number;
  byEndpoint: Record<string, number>;
  byDocket: Record<string, number>;
  faultsInjected: Record<string, number>;
}

/** The sandbox's control API over HTTP, as a test or a demo script would use it. */
export class SandboxControl {
  constructor(readonly controlUrl: string) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.controlUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  reset(seed?: number) {
    return this.request<{ seed: number }>('POST', '/reset', seed === undefined ? {} : { seed });
  }
  createDocket(
    body: { docket?: string; scenario?: string; origin?: string; destination?: string } = {},
  ) {
    return this.request<DocketSnapshot>('POST', '/dockets', body);
  }
  bulk(count: number, scenario?: string) {
    return this.request<{ dockets: string[] }>('POST', '/dockets/bulk', { count, scenario });
  }
  docket(docket: string) {
    return this.request<DocketSnapshot>('GET', `/dockets/${docket}`);
  }
  advance(docket: string, steps = 1) {
    return this.request<DocketSnapshot>('POST', `/dockets/${docket}/advance`, { steps });
  }
  addScan(
    docket: string,
    scan: {
      code: string;
      description?: string;
      location?: string | null;
      dateTime?: string;
      setStatus?: boolean;
    },
  ) {
    return this.request<DocketSnapshot>('POST', `/dockets/${docket}/scans`, scan);
  }
  setStatus(docket: string, code: string) {
    return this.request<DocketSnapshot>('PUT', `/dockets/${docket}/status`, { code });
  }
  advanceClock(minutes: number) {
    return this.request<{ now: string; scansIssued: number }>('POST', '/clock/advance', {
      minutes,
    });
  }
  fault(spec: FaultSpec) {
    return this.request<{ id: number }>('POST', '/faults', spec);
  }
  clearFaults() {
    return this.request<void>('DELETE', '/faults');
  }
  stats() {
    return this.request<SandboxStatsView>('GET', '/stats');
  }
  resetStats() {
    return this.request<void>('DELETE', '/stats');
  }
  settings(settings: {
    trackMultipleShape?: 'map' | 'array';
    defaultScenario?: string;
    timeScale?: number;
  }) {
    return this.request<unknown>('PUT', '/settings', settings);
  }
}

export interface CompiledSequel247Client {
  client: Sequel247HttpClient;
  close(): Promise<void>;
}

/**
 * The client exactly as the app wires it (Sequel247Module + the sequel247 config namespace),
 * configured through environment variables for this one compile.
 */
export async function compileSequel247Client(
  env: Record<string, string>,
): Promise<CompiledSequel247Client> {
  const touched = [...Object.keys(BASE_TEST_ENV), 'MONGODB_URI', 'DEMO_DATA', ...Object.keys(env)];
  const previous = Object.fromEntries(touched.map((k) => [k, process.env[k]]));
  // The app's other config namespaces load too; give them the test settings (nothing connects).
  Object.assign(
    process.env,
    BASE_TEST_ENV,
    { MONGODB_URI: 'mongodb://127.0.0.1:9/unused', DEMO_DATA: 'false' },
    env,
  );
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, load: configNamespaces, ignoreEnvFile: true }),
        Sequel247Module,
      ],
    }).compile();
    await moduleRef.init();
    return {
      client: moduleRef.get<Sequel247HttpClient>(SEQUEL247_CLIENT),
      close: () => moduleRef.close(),
    };
  } finally {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
