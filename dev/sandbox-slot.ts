// Plugs the Personio sandbox into the local stack (in-process, on a free port).
// SANDBOX_PERSONALITY picks its personality (a preset name such as `strict`, or a JSON object; see sandbox/README.md).
import { join } from 'node:path';
import type { PersonioSlot } from './stack.js';
import { PERSONALITY_ENV_VAR, parsePersonalityEnv, startSandbox } from '../sandbox/index.js';

export const sandboxSlot: PersonioSlot = {
  async start({ dataDir, mode }) {
    const personality = parsePersonalityEnv(process.env[PERSONALITY_ENV_VAR]);
    const sandbox = await startSandbox({
      port: 0,
      host: '127.0.0.1',
      dataFile: mode === 'dev' ? join(dataDir, 'personio-sandbox.json') : undefined,
      ...(personality ? { personality } : {}),
    });
    return { baseUrl: sandbox.url, stop: () => sandbox.close() };
  },
};
