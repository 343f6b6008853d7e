/** A company's Personio API credential, decrypted only inside the worker. */
export interface PersonioCredentials {
  clientId: string;
  clientSecret: string;
}
