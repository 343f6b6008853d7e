/** startSandbox(): the sandbox on a real HTTP port (0 = a free one). */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createSandbox, type Sandbox } from './app.js';
import type { SandboxPersonalityInput } from './personality.js';

export interface StartSandboxOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  dataFile?: string;
  now?: () => Date;
  /** See SandboxOptions.personality. */
  personality?: SandboxPersonalityInput;
}

export interface RunningSandbox {
  url: string;
  port: number;
  close(): Promise<void>;
  sandbox: Sandbox;
}

export async function startSandbox(opts: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const sandbox = createSandbox({
    ...(opts.dataFile ? { dataFile: opts.dataFile } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.personality ? { personality: opts.personality } : {}),
  });
  const host = opts.host ?? '127.0.0.1';
  const server = createAdaptorServer({ fetch: sandbox.app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    sandbox,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => sandbox.flush());
      return closing;
    },
  };
}
