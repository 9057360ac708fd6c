// glibc's malloc_trim reached through node:ffi: found and callable where the facade runs (Linux with glibc, Node 26);
// a regression guard for Node upgrades, since node:ffi is experimental and its signature format may change. On a
// Node without node:ffi (22 and 24, which package.json's engines allow) it says so instead.
import { spawnSync } from 'node:child_process';
import { isBuiltin } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadMallocTrim } from '../../src/memory/malloc-trim.ts';

const header = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header;

describe('malloc_trim through node:ffi', () => {
  it.runIf(process.platform === 'linux' && header.glibcVersionRuntime !== undefined && isBuiltin('node:ffi'))('is found on Linux with glibc, and calling it answers whether it released pages', () => {
    const loaded = loadMallocTrim();
    expect(loaded).toMatchObject({ trim: expect.any(Function) });
    if (!('trim' in loaded)) return;
    expect(typeof loaded.trim()).toBe('boolean');
  });

  it.runIf(!isBuiltin('node:ffi'))('says this Node has no node:ffi instead of throwing, on a Node before 26', () => {
    expect(loadMallocTrim()).toStrictEqual({ unavailable: 'malloc_trim unavailable: this Node has no node:ffi' });
  });

  it('says why it is unavailable instead of throwing, when the C library cannot be opened', () => {
    const loaded = loadMallocTrim({ library: 'libno-such-library.so.0' });
    expect(loaded).toStrictEqual({ unavailable: expect.stringMatching(/malloc_trim/) });
  });

  it('prints no ExperimentalWarning for node:ffi when it loads it, and lets every other warning through', () => {
    const script = [
      `const { loadMallocTrim } = await import(${JSON.stringify(new URL('../../src/memory/malloc-trim.ts', import.meta.url).href)});`,
      "console.log(Object.keys(loadMallocTrim()).join(','));",
      "process.emitWarning('a warning of its own');",
    ].join('\n');
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout.trim()).toMatch(/^(trim|unavailable)$/);
    expect(child.stderr).toContain('a warning of its own');
    expect(child.stderr).not.toMatch(/ExperimentalWarning|FFI/);
  });
});
