// The bench's Debian tools (wrk, nginx, tcpdump): found on PATH, or installed with apt-get when we are root.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findNginx } from './nginx.ts';
import { findTcpdump } from './wire-timing.ts';
import { hasWrk } from './wrk.ts';

const run = promisify(execFile);

/** Installs the missing Debian packages when root; says what it could not do instead of failing. */
export async function ensureBenchTools(log: (line: string) => void): Promise<{ wrk: boolean; nginx: string | undefined; tcpdump: string | undefined }> {
  const missing = [...((await hasWrk()) ? [] : ['wrk']), ...(findNginx() ? [] : ['nginx-light']), ...(findTcpdump() ? [] : ['tcpdump'])];
  if (missing.length > 0) {
    if (process.getuid?.() === 0) {
      log(`bench: installing ${missing.join(' ')} with apt-get`);
      try {
        await run('sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`], { maxBuffer: 1 << 24 });
      } catch (error) {
        log(`bench: apt-get install ${missing.join(' ')} failed: ${(error as Error).message.split('\n')[0]}`);
      }
    } else {
      log(`bench: ${missing.join(' ')} missing and only root may install them (apt-get install ${missing.join(' ')})`);
    }
  }
  return { wrk: await hasWrk(), nginx: findNginx(), tcpdump: findTcpdump() };
}
