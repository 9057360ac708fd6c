// The oldest Node that engines allows, read from the range the way test:oldest-node reads it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { oldestAllowed } from '../../scripts/oldest-node.ts';

describe('the oldest Node engines allows', () => {
  it('is the start of a >= range, missing parts as zero', () => {
    expect(oldestAllowed('>=22.19')).toBe('22.19.0');
    expect(oldestAllowed('>= 24')).toBe('24.0.0');
    expect(oldestAllowed('>=22.19.1')).toBe('22.19.1');
  });

  it('refuses a range that does not name one oldest version', () => {
    for (const range of ['^22.19', '22.x', '>=22 <27', '*']) expect(() => oldestAllowed(range), range).toThrow(/engines\.node/);
  });

  it("reads package.json's own range", () => {
    const { engines } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    expect(oldestAllowed(engines.node)).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
