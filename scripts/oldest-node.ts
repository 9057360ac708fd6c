// `npm run test:oldest-node [-- vitest options]`: the unit and integration suite on the oldest Node that
// package.json's `engines` allows (`>=22.19` → 22.19.0), so that the promise is tested, not only stated. Every
// other script runs on the project's own Node 26. The binary comes from the npm registry, where the project's own
// Node comes from too (the `node` package installs `node-<platform>-<arch>`), unpacked once into .node-versions/.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const projectRoot = resolve(import.meta.dirname, '..');

/** The version an `engines.node` range starts at: `>=22.19` → `22.19.0`. Any other form of range is refused. */
export function oldestAllowed(range: string): string {
  const match = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  if (match === null) throw new Error(`engines.node is "${range}": only a ">=major.minor.patch" range says which Node is the oldest`);
  return `${match[1]}.${match[2] ?? 0}.${match[3] ?? 0}`;
}

/** The folder holding `node` of that version for this platform, fetched and unpacked the first time. */
function nodeBinDir(version: string): string {
  const dir = join(projectRoot, '.node-versions', `${process.platform}-${process.arch}-${version}`);
  const bin = join(dir, 'package', 'bin');
  if (existsSync(join(bin, 'node'))) return bin;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const spec = `node-${process.platform}-${process.arch}@${version}`;
  console.error(`test:oldest-node: fetching ${spec} from the npm registry`);
  // npm checks the tarball against the registry's integrity hash.
  const packed = JSON.parse(execFileSync('npm', ['pack', spec, '--json', '--pack-destination', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as Array<{ filename: string }>;
  const tarball = join(dir, packed[0]!.filename);
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  rmSync(tarball);
  if (!existsSync(join(bin, 'node'))) throw new Error(`${spec} has no bin/node: this platform's package is laid out differently`);
  return bin;
}

if (import.meta.main) {
  const { engines } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { engines: { node: string } };
  const version = oldestAllowed(engines.node);
  const bin = nodeBinDir(version);
  // First on the PATH too: what the tests start as `node` or `process.execPath` runs on the same Node.
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
  const reported = execFileSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).trim();
  if (reported !== `v${version}`) throw new Error(`expected Node v${version}, the binary says ${reported}`);
  console.error(`test:oldest-node: the suite on Node ${reported} (engines.node "${engines.node}")`);
  const run = spawnSync(join(bin, 'node'), [join(projectRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)], { stdio: 'inherit', env, cwd: projectRoot });
  process.exit(run.status ?? 1);
}
