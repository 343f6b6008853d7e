// SANDBOX_PERSONALITY: parsing, and how `npm run sandbox` (sandbox/main.ts) and the stack's sandbox slot use it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxSlot } from '../../dev/sandbox-slot.js';
import { DEFAULT_PERSONALITY, STRICT_PERSONALITY, createSandboxAdmin, parsePersonalityEnv } from '../../sandbox/index.js';

describe('parsePersonalityEnv', () => {
  it('unset or blank: undefined (the default personality)', () => {
    expect(parsePersonalityEnv(undefined)).toBeUndefined();
    expect(parsePersonalityEnv('')).toBeUndefined();
    expect(parsePersonalityEnv('  ')).toBeUndefined();
  });

  it('a preset name', () => {
    expect(parsePersonalityEnv('strict')).toEqual(STRICT_PERSONALITY);
    expect(parsePersonalityEnv(' default ')).toEqual(DEFAULT_PERSONALITY);
  });

  it('a JSON object in the input form', () => {
    expect(parsePersonalityEnv('{"preset":"strict","listComments":true}')).toEqual({ ...STRICT_PERSONALITY, listComments: true });
    expect(parsePersonalityEnv('{"writeForbiddenTypeIds":["t-1"],"commentMaxLength":100}')).toEqual({
      ...DEFAULT_PERSONALITY,
      writeForbiddenTypeIds: ['t-1'],
      commentMaxLength: 100,
    });
  });

  it('anything else: an error naming the variable', () => {
    expect(() => parsePersonalityEnv('lenient')).toThrow(/^SANDBOX_PERSONALITY must be a preset name \(default, strict\) or a JSON object, got: lenient$/);
    expect(() => parsePersonalityEnv('{"preset":')).toThrow(/^SANDBOX_PERSONALITY is not valid JSON/);
    expect(() => parsePersonalityEnv('{"nextLinks":"sometimes"}')).toThrow(/^SANDBOX_PERSONALITY is not a valid personality: .*nextLinks/s);
    expect(() => parsePersonalityEnv('{"nextlinks":"cursor_only"}')).toThrow(/^SANDBOX_PERSONALITY is not a valid personality: .*nextlinks/s);
    expect(() => parsePersonalityEnv('["strict"]')).toThrow(/^SANDBOX_PERSONALITY must be a preset name/);
  });
});

describe('the stack\'s sandbox slot (dev/sandbox-slot.ts)', () => {
  const saved = process.env.SANDBOX_PERSONALITY;
  const dirs: string[] = [];
  afterEach(() => {
    if (saved === undefined) delete process.env.SANDBOX_PERSONALITY;
    else process.env.SANDBOX_PERSONALITY = saved;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'sandbox-slot-'));
    dirs.push(d);
    return d;
  };

  it('starts the sandbox with the personality SANDBOX_PERSONALITY names', async () => {
    process.env.SANDBOX_PERSONALITY = '{"preset":"strict","emailFilter":"case_insensitive"}';
    const slot = await sandboxSlot.start({ dataDir: dataDir(), mode: 'test' });
    try {
      expect(await createSandboxAdmin(slot.baseUrl).getPersonality()).toEqual({ ...STRICT_PERSONALITY, emailFilter: 'case_insensitive' });
    } finally {
      await slot.stop();
    }
  });

  it('refuses to start with an invalid SANDBOX_PERSONALITY', async () => {
    process.env.SANDBOX_PERSONALITY = 'lenient';
    await expect(sandboxSlot.start({ dataDir: dataDir(), mode: 'test' })).rejects.toThrow(/SANDBOX_PERSONALITY/);
  });
});

describe('npm run sandbox (sandbox/main.ts)', () => {
  function runMain(personality: string) {
    return spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts'], {
      env: { ...process.env, PORT: '0', SANDBOX_PERSONALITY: personality, SANDBOX_DATA_FILE: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  it('stops with an error naming SANDBOX_PERSONALITY when it is invalid', async () => {
    const child = runMain('{"listComments":"no"}');
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toMatch(/SANDBOX_PERSONALITY is not a valid personality/);
    expect(stderr).toMatch(/listComments/);
  });

  it('plays the personality it names', async () => {
    const child = runMain('strict');
    try {
      let stdout = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const m = /listening on (http:\/\/\S+?);/.exec(stdout);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`sandbox exited early (${String(code)}): ${stdout}`)));
      });
      expect(await createSandboxAdmin(url).getPersonality()).toEqual(STRICT_PERSONALITY);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});
