// The machine side of the throwaway PostgreSQL: Debian's binaries (installed with apt when missing), the unprivileged
// user that runs them when we are root, and running a command as that user.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { chown, mkdir, open, readdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';

/** The user that runs the server when we are root (Debian's package creates it); initdb refuses to run as root. */
const SERVER_USER = 'postgres';

/** Thrown for anything that stops the server from being ready; the message is meant for a human. */
export class PostgresSetupError extends Error {
  override name = 'PostgresSetupError';
}

/** Who runs the server: `postgres` with its uid and gid (to chown to) when we are root, else ourselves (no ids). */
export interface ServerUser {
  name: string;
  ids?: { uid: number; gid: number };
}

/** Runs `command` in `cwd`, as `user` when given (runuser, else su); resolves with its output, rejects with it. */
export function run(command: string, args: string[], { user, cwd = '/' }: { user?: ServerUser; cwd?: string } = {}): Promise<string> {
  const quoted = [command, ...args].map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ');
  const [program, argv] = !user?.ids
    ? [command, args]
    : existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser')
      ? ['runuser', ['-u', user.name, '--', command, ...args]]
      : ['su', ['-s', '/bin/sh', user.name, '-c', quoted]];
  return new Promise((resolveRun, reject) => {
    const child = spawn(program, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => reject(new PostgresSetupError(`could not run ${program}: ${error.message}`)));
    child.on('close', (code) => {
      const output = Buffer.concat(chunks).toString('utf8').trim();
      if (code === 0) resolveRun(output);
      else reject(new PostgresSetupError(`${command} ${args.join(' ')} failed (exit ${code}):\n${output}`));
    });
  });
}

/** The newest `/usr/lib/postgresql/<major>/bin` holding pg_ctl, if any. */
export async function findBinDir(): Promise<string | undefined> {
  const majors = await readdir('/usr/lib/postgresql').catch(() => []);
  const newest = majors.filter((major) => /^\d+$/.test(major) && existsSync(`/usr/lib/postgresql/${major}/bin/pg_ctl`)).sort((a, b) => Number(b) - Number(a))[0];
  return newest === undefined ? undefined : `/usr/lib/postgresql/${newest}/bin`;
}

/**
 * Debian's binaries, installed with apt when missing and we are root. The package also creates (and may start) its
 * own `main` cluster on port 5432; it is left alone and never used.
 */
export async function ensureBinDir(log: (line: string) => void): Promise<string> {
  const found = await findBinDir();
  if (found) return found;
  if (process.getuid?.() !== 0) throw new PostgresSetupError('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin) and only root may install it: apt-get install postgresql');
  log('postgres: installing Debian’s postgresql package with apt-get');
  await run('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql']);
  const installed = await findBinDir();
  if (!installed) throw new PostgresSetupError('apt-get installed postgresql but no /usr/lib/postgresql/*/bin/pg_ctl appeared');
  return installed;
}

/** `postgres` when we are root (created with useradd when the package did not), else the current user. */
export async function serverUser(): Promise<ServerUser> {
  if (process.getuid?.() !== 0) return { name: userInfo().username };
  const ids = async () => ({ uid: Number(await run('id', ['-u', SERVER_USER])), gid: Number(await run('id', ['-g', SERVER_USER])) });
  try {
    return { name: SERVER_USER, ids: await ids() };
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVER_USER]);
    return { name: SERVER_USER, ids: await ids() };
  }
}

/** Throws unless the server user may reach `root`: every directory on the way must be traversable by it. */
export function assertTraversable(root: string, { name, ids }: ServerUser): void {
  if (!ids) return;
  for (let dir = root; ; dir = dirname(dir)) {
    const { mode, uid, gid } = statSync(dir);
    const reachable = mode & 0o001 || (uid === ids.uid && mode & 0o100) || (gid === ids.gid && mode & 0o010);
    if (!reachable) throw new PostgresSetupError(`${dir} is not traversable by the ${name} user that runs PostgreSQL: chmod o+x it or set POSTGRES_HOME`);
    if (dir === dirname(dir)) return;
  }
}

/** Makes `path` (a directory, mode 0700, or a file, 0600) and hands it to the server user. */
export async function ownedBy(user: ServerUser, path: string, kind: 'dir' | 'file'): Promise<void> {
  if (kind === 'dir') await mkdir(path, { recursive: true, mode: 0o700 });
  else await (await open(path, 'a', 0o600)).close();
  if (user.ids) await chown(path, user.ids.uid, user.ids.gid);
}
