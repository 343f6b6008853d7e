// The API refuses to start with weak tokens: too short, or the placeholder documented in .env.example.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startApiServer } from '../../api/server.js';
import { ConfigError } from '../../config/env.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
const env = (tokens: string) => ({ API_TOKENS: tokens, CREDENTIALS_KEY: KEY, MONGODB_URI: 'mongodb://127.0.0.1:1', TEMPORAL_ADDRESS: '127.0.0.1:1' });

describe('API tokens at start', () => {
  it('refuses the .env.example placeholder with a clear message, before connecting anywhere', async () => {
    const placeholder = /^API_TOKENS=(.*)$/m.exec(readFileSync(new URL('../../.env.example', import.meta.url), 'utf8'))?.[1];
    expect(placeholder).toBeTruthy();
    const refused = startApiServer(env(placeholder as string));
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(/API_TOKENS\.0: is the placeholder from \.env\.example/);
  });

  it('refuses a token shorter than 32 characters, naming which one without showing it', async () => {
    const short = 'a'.repeat(31);
    const refused = startApiServer(env(`${'b'.repeat(40)},${short}`));
    await expect(refused).rejects.toThrow(/API_TOKENS\.1: each API token must be at least 32 characters/);
    await expect(refused).rejects.not.toThrow(short);
  });
});
