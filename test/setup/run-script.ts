/** Runs the project's plain-JS scripts (kernel-setup/, scripts/) as child processes, for the tests of test/setup and test/notebooks. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The project root, found from this compiled file's place in dist/test/setup/. */
export const PROJECT_ROOT = (() => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'kernel-setup'))) return dir;
  }
  throw new Error(`no project root (package.json beside kernel-setup/) above ${__dirname}`);
})();

/** What a finished script printed. */
export interface ScriptResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <script> ...args` in the project root and collects its output.
 * @param script path relative to the project root
 * @param args command-line arguments
 * @param env extra environment variables (merged over this process's)
 */
export function runScript(script: string, args: string[], env: Record<string, string> = {}): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, script), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? 1, stdout, stderr }));
  });
}
