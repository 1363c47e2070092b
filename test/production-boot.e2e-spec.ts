import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clearSelfStarted,
  markSelfStarted,
  productionReasons,
  wantsEmbeddedDemo,
} from '../src/config/deployment-mode.js';

const SRC = path.resolve('src');

/** Development-only code: the dev area and the embedded launchers not yet moved into it. */
const DEV_ONLY = [
  path.join(SRC, 'dev') + path.sep,
  path.join(SRC, 'embedded') + path.sep,
  path.join(SRC, 'database', 'embedded-ferretdb.ts'),
];

/** Entry points a deployment runs. */
const PRODUCTION_ENTRIES = ['main.ts', 'cli/create-admin.ts', 'cli/export-openapi.ts'];

/**
 * Relative modules `file` loads when it is loaded: static `import`/`export … from`, not type-only
 * imports (erased when compiled) and not `import()` (loaded only when that code runs).
 */
function staticImportsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const found: string[] = [];
  for (const statement of source.statements) {
    let specifier: ts.Expression | undefined;
    if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) {
      specifier = statement.moduleSpecifier;
    } else if (ts.isExportDeclaration(statement) && !statement.isTypeOnly) {
      specifier = statement.moduleSpecifier;
    }
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), specifier.text.replace(/\.js$/, '.ts'));
    found.push(existsSync(target) ? target : path.join(target.replace(/\.ts$/, ''), 'index.ts'));
  }
  return found;
}

/** Every source file loaded with `entry`, each with the chain of imports that reached it. */
function loadedWith(entry: string): Map<string, string[]> {
  const reached = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    for (const next of staticImportsOf(file)) {
      if (reached.has(next)) continue;
      reached.set(next, [...reached.get(file)!, next]);
      queue.push(next);
    }
  }
  return reached;
}

describe('a production boot', () => {
  afterEach(() => clearSelfStarted());

  it.each(PRODUCTION_ENTRIES)('loads nothing development-only with %s', (entry) => {
    const loaded = loadedWith(path.join(SRC, entry));
    expect(loaded.size).toBeGreaterThan(entry === 'main.ts' ? 50 : 10);
    const devLoaded = [...loaded.entries()]
      .filter(([file]) => DEV_ONLY.some((dev) => file.startsWith(dev) || file === dev))
      .map(([, chain]) => chain.map((f) => path.relative(SRC, f)).join(' → '));
    expect(devLoaded).toEqual([]);
  });

  it.each([
    [{ NODE_ENV: 'production' }],
    [{ MONGODB_URI: 'mongodb://db.internal/docket' }],
    [{ SEQUEL247_BASE_URL: 'https://sequel247.com' }],
  ])('does not ask for the embedded demo with %j', (env) => {
    expect(wantsEmbeddedDemo(env)).toBe(false);
    expect(productionReasons(env)).toHaveLength(1);
  });

  it('asks for the embedded demo only when nothing is configured, NODE_ENV unset or not', () => {
    expect(wantsEmbeddedDemo({})).toBe(true);
    expect(wantsEmbeddedDemo({ NODE_ENV: 'development' })).toBe(true);
    // Once the launcher has pointed the env at what it started, the process stays the demo.
    markSelfStarted('database', 'courier');
    expect(
      wantsEmbeddedDemo({ MONGODB_URI: 'mongodb://127.0.0.1:1/docket', SEQUEL247_BASE_URL: 'x' }),
    ).toBe(true);
  });
});
