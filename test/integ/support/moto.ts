// moto in server mode on loopback (from .venv-integ, made by test/integ/setup-python.sh): a real
// AWS API for the Lambda handlers' integration tests, no SDK mocks. The handlers are pointed at it
// only through AWS_ENDPOINT_URL, which the AWS SDK v3 reads by itself.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';

const MOTO_SERVER = path.join(__dirname, '..', '..', '..', '.venv-integ', 'bin', 'moto_server');

export const MOTO_REGION = 'us-east-1';
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** A running moto server. */
export interface Moto {
  readonly endpoint: string;
  /** Forgets every resource, between tests. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts moto on a free port and waits until it answers. */
export async function startMoto(): Promise<Moto> {
  if (!fs.existsSync(MOTO_SERVER)) throw new Error(`${MOTO_SERVER} not found: run 'bash test/integ/setup-python.sh' first`);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let log = '';
  const server: ChildProcess = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout?.on('data', chunk => { log += chunk; });
  server.stderr?.on('data', chunk => { log += chunk; });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`moto_server exited with ${server.exitCode}:\n${log}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`moto_server did not answer on ${endpoint} within 30 s:\n${log}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  return {
    endpoint,
    reset: async () => { await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' }); },
    stop: async () => {
      if (server.exitCode !== null) return;
      const exited = new Promise(resolve => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The environment a Lambda handler gets from its runtime, pointed at moto: region and credentials,
 * no profile or shared files of the machine running the tests. Returns what to restore.
 */
export function useMotoEnvironment(endpoint: string, extra: { [name: string]: string } = {}): () => void {
  const saved = { ...process.env };
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']) delete process.env[name];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: MOTO_REGION,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  });
  return () => { process.env = saved; };
}

export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise(resolve => server.close(resolve));
  return port;
}
