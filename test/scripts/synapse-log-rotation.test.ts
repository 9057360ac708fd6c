// homeserver.log grew by every start and every bench run (978 MB on the development machine): it is moved aside
// once over the bound, keeping the one before.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rotateLog } from '../../scripts/synapse/internal/log-rotation.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'synapse-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('rotateLog', () => {
  it('leaves a log at or under the bound where it is, for the next start to append to', () => {
    const log = join(dir, 'homeserver.log');
    writeFileSync(log, 'x'.repeat(100));
    expect(rotateLog(log, 100)).toBe(false);
    expect(readFileSync(log, 'utf8')).toBe('x'.repeat(100));
    expect(existsSync(`${log}.1`)).toBe(false);
  });

  it('moves a log over the bound to .1, replacing the older one, so only two are ever kept', () => {
    const log = join(dir, 'homeserver.log');
    writeFileSync(`${log}.1`, 'oldest');
    writeFileSync(log, 'y'.repeat(101));
    expect(rotateLog(log, 100)).toBe(true);
    expect(existsSync(log)).toBe(false);
    expect(readFileSync(`${log}.1`, 'utf8')).toBe('y'.repeat(101));
  });

  it('does nothing when there is no log yet', () => {
    expect(rotateLog(join(dir, 'homeserver.log'), 100)).toBe(false);
    expect(existsSync(join(dir, 'homeserver.log.1'))).toBe(false);
  });
});
