/**
 * Runs Debian's nginx with the nchan module as a child process: our own config in a temporary
 * prefix, 127.0.0.1 only, `daemon off` so the process is ours to stop. Used by `npm start` and the
 * tests (which stop it, restart it on the same port, and always clean up).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NginxConfigOptions, nginxConfig } from './config';

const BINARIES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];
const MODULES = [
  '/usr/lib/nginx/modules/ngx_nchan_module.so',
  '/usr/share/nginx/modules/ngx_nchan_module.so',
];

/** How to get nginx with nchan on Debian/Ubuntu, for messages. */
export const INSTALL_HINT = 'apt-get install nginx libnginx-mod-nchan';

export type NginxInstall = { ok: true; binary: string; modulePath: string } | { ok: false; missing: string };

/** Finds nginx and the nchan module (`PARLEY_NGINX`, `PARLEY_NCHAN_MODULE` override the paths). */
export function findNginx(env: NodeJS.ProcessEnv = process.env): NginxInstall {
  const binary = env.PARLEY_NGINX ?? BINARIES.find((path) => existsSync(path));
  if (!binary || !existsSync(binary)) return { ok: false, missing: 'nginx' };
  const modulePath = env.PARLEY_NCHAN_MODULE ?? MODULES.find((path) => existsSync(path));
  if (!modulePath || !existsSync(modulePath))
    return { ok: false, missing: 'the nchan module (libnginx-mod-nchan)' };
  return { ok: true, binary, modulePath };
}

export interface NginxOptions extends Omit<NginxConfigOptions, 'port' | 'modulePath'> {
  /** 0 (default) picks a free port. */
  port?: number;
  /** How long start() may take before it gives up (default 15000: the machine is busy). */
  startTimeoutMs?: number;
}

export interface RunningNginx {
  readonly url: string;
  readonly port: number;
  /** True between a successful start and the next stop. */
  readonly running: boolean;
  /** Stops nginx (SIGTERM: subscribers see the connection drop, buffers are lost). Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port after `stop()`. */
  start(): Promise<void>;
  /** Stops it and removes the prefix directory. Idempotent. */
  close(): Promise<void>;
}

export async function startNginx(options: NginxOptions): Promise<RunningNginx> {
  const install = findNginx();
  if (!install.ok) throw new Error(`${install.missing} is not installed (${INSTALL_HINT})`);
  const prefix = await mkdtemp(join(tmpdir(), 'parley-nginx-'));
  // Workers run as nobody when we are root: they must be able to enter the prefix.
  await chmod(prefix, 0o755);
  await mkdir(join(prefix, 'tmp'));

  let port = options.port ?? 0;
  let child: ChildProcess | undefined;
  let closed = false;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  async function launch(): Promise<void> {
    // A chosen port can be taken between our probe and nginx's bind: try a few.
    for (let attempt = 0; ; attempt++) {
      const tryPort = port || (await freePort());
      const config = nginxConfig({
        ...options,
        port: tryPort,
        modulePath: install.ok ? install.modulePath : '',
      });
      await writeFile(join(prefix, 'nginx.conf'), config);
      try {
        child = await spawnNginx(install.ok ? install.binary : '', prefix, tryPort, options.startTimeoutMs);
        port = tryPort;
        return;
      } catch (error) {
        const busy = error instanceof Error && /Address already in use/.test(error.message);
        if (!busy || options.port || attempt >= 4) throw error;
      }
    }
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    await exited;
  }

  await launch().catch(async (error: unknown) => {
    process.off('exit', killOnExit);
    await rm(prefix, { recursive: true, force: true });
    throw error;
  });

  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get running() {
      return child !== undefined && child.exitCode === null;
    },
    stop,
    async start() {
      if (closed) throw new Error('nginx was closed');
      if (child && child.exitCode === null) return;
      await launch();
    },
    async close() {
      if (closed) return;
      closed = true;
      await stop();
      process.off('exit', killOnExit);
      await rm(prefix, { recursive: true, force: true });
    },
  };
}

/** Spawns nginx in the foreground and resolves once it accepts connections. */
async function spawnNginx(
  binary: string,
  prefix: string,
  port: number,
  timeoutMs = 15_000,
): Promise<ChildProcess> {
  const child = spawn(
    binary,
    ['-p', `${prefix}/`, '-c', 'nginx.conf', '-e', 'error.log', '-g', 'daemon off;'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', async (code, signal) => {
      const log = await readFile(join(prefix, 'error.log'), 'utf8').catch(() => '');
      reject(
        new Error(
          `nginx exited (${code ?? signal}): ${(stderr || log).trim().split('\n').slice(-3).join(' | ')}`,
        ),
      );
    });
    child.once('error', reject);
  });
  const deadline = Date.now() + timeoutMs;
  try {
    await Promise.race([exited, waitForPort(port, deadline)]);
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw error;
  }
  // Later exits are reported by `running`, not by an unhandled rejection.
  exited.catch(() => {});
  return child;
}

/** Resolves when something accepts TCP connections on 127.0.0.1:port. */
async function waitForPort(port: number, deadline: number): Promise<void> {
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on 127.0.0.1:${port} in time`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A port the OS considers free right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
