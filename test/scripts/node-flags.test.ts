// The facade runs with the same V8 flags wherever it is started: `npm start`, the Dockerfile, `npm run demo`, and the
// bench's facades (whose numbers the README reports).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FACADE_NODE_FLAGS } from '../../bench/processes.ts';

const root = resolve(import.meta.dirname, '../..');

describe('issue 13: the facade\'s Node flags', () => {
  it('npm start runs main.ts with the bench\'s flags', () => {
    const { scripts } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toBe(['node', ...FACADE_NODE_FLAGS, 'src/main.ts'].join(' '));
  });

  it('npm run demo runs demo.ts with them too (its memory hand-back can then collect, not only trim)', () => {
    const { scripts } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.demo).toBe(['node', ...FACADE_NODE_FLAGS, 'src/demo.ts'].join(' '));
  });

  it('the Dockerfile\'s CMD is the same command', () => {
    const cmd = readFileSync(resolve(root, 'Dockerfile'), 'utf8').split('\n').find((line) => line.startsWith('CMD '));
    expect(JSON.parse(cmd!.slice(4))).toEqual(['node', ...FACADE_NODE_FLAGS, 'src/main.ts']);
  });
});
