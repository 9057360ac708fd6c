// The facade runs the same way wherever it is started: `npm start`, the Dockerfile, and the bench's facades (whose
// numbers the README reports): the same V8 flags, and jemalloc preloaded when it is installed.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FACADE_NODE_FLAGS, JEMALLOC_PATH } from '../../bench/processes.ts';

const root = resolve(import.meta.dirname, '../..');

// A `node` that prints what it was started with, first on the PATH of scripts/start.sh.
const fakeBin = mkdtempSync(join(tmpdir(), 'facade-start-'));
writeFileSync(join(fakeBin, 'node'), '#!/bin/sh\necho "LD_PRELOAD=${LD_PRELOAD:-}"\necho "$@"\n');
chmodSync(join(fakeBin, 'node'), 0o755);
afterAll(() => rmSync(fakeBin, { recursive: true, force: true }));

/** What scripts/start.sh runs `node` with: [LD_PRELOAD line, arguments line]. */
function startedWith(env: Record<string, string>): string[] {
  const { LD_PRELOAD: _inherited, ...rest } = process.env;
  const output = execFileSync('sh', ['scripts/start.sh', '--extra'], { cwd: root, env: { ...rest, PATH: `${fakeBin}:${process.env.PATH}`, ...env }, encoding: 'utf8' });
  return output.trim().split('\n');
}

describe('issue 13: how the facade is started', () => {
  it('npm start runs scripts/start.sh', () => {
    const { scripts } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toBe('sh scripts/start.sh');
  });

  it('the Dockerfile\'s CMD is the same command, with jemalloc installed', () => {
    const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8');
    const cmd = dockerfile.split('\n').find((line) => line.startsWith('CMD '));
    expect(JSON.parse(cmd!.slice(4))).toEqual(['sh', 'scripts/start.sh']);
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends libjemalloc2/);
  });

  it('start.sh runs main.ts with the bench\'s V8 flags and passes its arguments on', () => {
    expect(startedWith({})[1]).toBe([...FACADE_NODE_FLAGS, 'src/main.ts', '--extra'].join(' '));
  });

  it('start.sh preloads the jemalloc the bench preloads when it is installed, and nothing when it is not', () => {
    expect(startedWith({})[0]).toBe(`LD_PRELOAD=${existsSync(JEMALLOC_PATH) ? JEMALLOC_PATH : ''}`);
  });

  it('an LD_PRELOAD the caller set is kept', () => {
    expect(startedWith({ LD_PRELOAD: '/opt/other.so' })[0]).toBe('LD_PRELOAD=/opt/other.so');
  });
});
