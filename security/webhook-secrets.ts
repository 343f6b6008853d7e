// Webhook signing secrets: generated once per endpoint in the Standard Webhooks form (`whsec_` + base64 of
// random bytes), encrypted at rest like the Personio secret, decrypted only inside the delivery activity.
import { randomBytes } from 'node:crypto';
import type { CredentialsCipher, EncryptedSecret } from './credentials-cipher.js';

const SECRET_BYTES = 32;

export const generateWebhookSecret = (): string => `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;

// Bound to the endpoint and its incarnation: a ciphertext copied to another endpoint (or to a re-created one
// with the same id) does not decrypt.
export const webhookSecretAssociatedData = (endpointId: string, incarnation: string) => `webhook-secret:${endpointId}:${incarnation}`;

export function encryptWebhookSecret(cipher: CredentialsCipher, endpointId: string, incarnation: string, secret: string): EncryptedSecret {
  return cipher.encrypt(secret, webhookSecretAssociatedData(endpointId, incarnation));
}

export function decryptWebhookSecret(cipher: CredentialsCipher, endpointId: string, incarnation: string, secret: EncryptedSecret): string {
  return cipher.decrypt(secret, webhookSecretAssociatedData(endpointId, incarnation));
}
