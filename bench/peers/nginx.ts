// nginx as the bench's reference proxy: one process (no master, one worker's work), proxy_pass with keep-alive to
// the same upstream the facade uses, its access log written to a file as the facade writes its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinToCore } from '../processes.ts';
import { choosePort } from '../../scripts/synapse/internal/port.ts';

/** A running nginx: where it listens, its one process, and a stop that removes its temp dir. */
export interface NginxPeer { url: string; pid: number; stop(): Promise<void> }

const CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'];

/** The nginx binary, or undefined when it is not installed. */
export function findNginx(): string | undefined {
  return CANDIDATES.find((path) => existsSync(path));
}

function config(dir: string, port: number, upstream: URL): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log ${join(dir, 'access.log')};
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  keepalive_requests 1000000;
  upstream synapse { server ${upstream.host}; keepalive 64; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://synapse;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }
  }
}
`;
}

/** Starts nginx in front of `upstreamUrl` on a free loopback port, pinned to `core` when given. */
export async function startNginx(binary: string, upstreamUrl: string, core?: number): Promise<NginxPeer> {
  const dir = mkdtempSync(join(tmpdir(), 'facade-bench-nginx-'));
  const port = await choosePort(undefined);
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, config(dir, port, new URL(upstreamUrl)));
  const child: ChildProcess = spawn(binary, ['-p', dir, '-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start: ${stderr}${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}`);
    try {
      await fetch(`${url}/`);
      break;
    } catch {
      if (attempt > 100) { child.kill('SIGKILL'); throw new Error('nginx did not listen within 5 s'); }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  if (core !== undefined && child.pid !== undefined) pinToCore(child.pid, core);
  return {
    url,
    pid: child.pid ?? -1,
    stop: async () => {
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
