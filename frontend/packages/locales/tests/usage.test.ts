/**
 * Guards for "labels only from locale files": the apps' sources contain no Chinese text, and
 * every literal key they pass to `t(...)` / `keypath` exists in the locale files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import zhCN from '../zh-CN.json';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const sourceDirs = ['apps/web/src', 'apps/h5/src', 'packages/api/src'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(vue|ts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const sources = sourceDirs.flatMap((dir) => files(join(root, dir)));

function lookup(key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], zhCN);
}

describe('locale usage in the apps', () => {
  it('scans a real source tree', () => {
    expect(sources.length).toBeGreaterThan(20);
  });

  it('has no Chinese text outside the locale files', () => {
    const offenders = sources.filter((file) => /[\u3400-\u9fff]/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((file) => relative(root, file))).toEqual([]);
  });

  it('uses only keys that exist', () => {
    const missing: string[] = [];
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      const keys = [
        ...text.matchAll(/\bt\(\s*'([a-z0-9_.-]+)'/gi),
        ...text.matchAll(/keypath="([a-z0-9_.-]+)"/gi),
        ...text.matchAll(/title: '([a-z0-9_]+\.[a-z0-9_.-]+)'/gi),
      ].map((match) => match[1] as string);
      for (const key of keys) {
        if (typeof lookup(key) !== 'string') missing.push(`${relative(root, file)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
