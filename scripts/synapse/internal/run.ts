// Runs a child process to completion and turns every way it can fail into one readable SynapseSetupError.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** Thrown for anything that stops a local Synapse from being ready; the message is meant for a human. */
export class SynapseSetupError extends Error {
  override name = 'SynapseSetupError';
}

export interface RunResult {
  exitCode: number;
  output: string;
}

/**
 * Runs `command args` and resolves with its exit code and combined stdout+stderr.
 * Rejects only when the program cannot be started at all (e.g. ENOENT), with `missingHint` as the message.
 */
export function run(command: string, args: string[], { missingHint }: { missingHint: string }): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => reject(new SynapseSetupError(`${missingHint} (${error.message})`)));
    child.on('close', (code) => resolvePromise({ exitCode: code ?? 1, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** Last `lineCount` lines of a text file, or a note that it does not exist. */
export async function tailOf(path: string, lineCount = 40): Promise<string> {
  try {
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    return lines.slice(-lineCount).join('\n');
  } catch {
    return `(no ${path})`;
  }
}
