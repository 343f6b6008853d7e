// Development-only secrets (an API token and a credentials key), generated once and kept in the
// git-ignored data dir so a restarted dev stack can still decrypt what it stored.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const devSecretsSchema = z.object({ apiToken: z.string().min(32), credentialsKey: z.string().min(40) });
export type DevSecrets = z.infer<typeof devSecretsSchema>;

export function loadOrCreateDevSecrets(file: string): DevSecrets {
  if (existsSync(file)) return devSecretsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const secrets: DevSecrets = {
    apiToken: `dev-${randomBytes(24).toString('base64url')}`,
    credentialsKey: randomBytes(32).toString('base64'),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
