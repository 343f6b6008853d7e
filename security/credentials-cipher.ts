// AES-256-GCM for secrets at rest. Each ciphertext carries the id of its key, so keys can be rotated:
// new writes use the current key, reads accept the current and the previous keys.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface EncryptedSecret {
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

export interface CredentialsCipher {
  encrypt(plaintext: string, associatedData: string): EncryptedSecret;
  decrypt(secret: EncryptedSecret, associatedData: string): string;
  readonly currentKeyId: string;
}

export class SecretDecryptionError extends Error {
  override name = 'SecretDecryptionError';
}

function parseKey(base64: string, label: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error(`${label} must be 32 bytes, base64-encoded`);
  return key;
}

/** `previousKeys`: "id:base64,id:base64". */
export function createCredentialsCipher(opts: { key: string; keyId: string; previousKeys?: string }): CredentialsCipher {
  const keys = new Map<string, Buffer>([[opts.keyId, parseKey(opts.key, 'CREDENTIALS_KEY')]]);
  for (const pair of (opts.previousKeys ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const separator = pair.indexOf(':');
    if (separator <= 0) throw new Error('CREDENTIALS_PREVIOUS_KEYS entries must look like id:base64key');
    const id = pair.slice(0, separator);
    if (!keys.has(id)) keys.set(id, parseKey(pair.slice(separator + 1), `previous key ${id}`));
  }
  const currentKey = keys.get(opts.keyId) as Buffer;
  return {
    currentKeyId: opts.keyId,
    encrypt(plaintext, associatedData) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv);
      // Binding the ciphertext to its owner (e.g. the company id) stops it from being copied to another record.
      cipher.setAAD(Buffer.from(associatedData, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { keyId: opts.keyId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
    },
    decrypt(secret, associatedData) {
      const key = keys.get(secret.keyId);
      if (!key) throw new SecretDecryptionError(`No key with id "${secret.keyId}" is configured (CREDENTIALS_KEY_ID / CREDENTIALS_PREVIOUS_KEYS)`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(secret.iv, 'base64'));
        decipher.setAAD(Buffer.from(associatedData, 'utf8'));
        decipher.setAuthTag(Buffer.from(secret.tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(secret.ciphertext, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretDecryptionError('A stored secret could not be decrypted (wrong key or tampered data)');
      }
    },
  };
}
