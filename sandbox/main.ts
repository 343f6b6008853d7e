/**
 * `npm run sandbox`: the Personio sandbox on its own.
 * PORT (default 4010), HOST (default 127.0.0.1), SANDBOX_DATA_FILE (optional JSON persistence),
 * SANDBOX_PERSONALITY (a preset name such as `strict`, or a JSON object in the personality input form).
 */
import { PERSONALITY_ENV_VAR, parsePersonalityEnv } from './personality-env.js';
import type { SandboxPersonality } from './personality.js';
import { startSandbox } from './server.js';

const port = Number(process.env.PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${process.env.PORT}`);
  process.exit(1);
}
let personality: SandboxPersonality | undefined;
try {
  personality = parsePersonalityEnv(process.env[PERSONALITY_ENV_VAR]);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
const running = await startSandbox({
  port,
  host: process.env.HOST ?? '127.0.0.1',
  ...(process.env.SANDBOX_DATA_FILE ? { dataFile: process.env.SANDBOX_DATA_FILE } : {}),
  ...(personality ? { personality } : {}),
});
console.log(
  `Personio sandbox listening on ${running.url}${process.env.SANDBOX_DATA_FILE ? ` (data: ${process.env.SANDBOX_DATA_FILE})` : ''}; admin at ${running.url}/__admin`,
);
if (personality) console.log(`Personio sandbox personality: ${JSON.stringify(personality)}`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`Personio sandbox: ${signal}, stopping`);
  running.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
