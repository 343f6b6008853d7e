/**
 * One access token per credential: fetched once, reused until ~60 s before it expires, shared by every
 * concurrent caller (one in-flight token request at most), dropped when Personio rejects it.
 */

export interface CachedToken {
  accessToken: string;
  /** Absolute, in Date.now() milliseconds. */
  expiresAt: number;
  grantedScopes: string[];
  /** Issued after Personio refused a scope an earlier token listed: its scope list is current. */
  scopesRecheckedAfterRefusal?: boolean;
}

export interface TokenCacheOptions {
  fetchToken: () => Promise<CachedToken>;
  now?: () => number;
  /** Renew this long before expiry. Default 60 s (at most half the token's lifetime). */
  refreshMarginMs?: number;
}

export class TokenCache {
  private current: CachedToken | undefined;
  private inFlight: Promise<CachedToken> | undefined;
  private issuedAt = 0;
  /** The last few tokens, kept only so that they can be redacted from anything Personio echoes. */
  private readonly recent: string[] = [];
  private readonly now: () => number;
  private readonly margin: number;

  constructor(private readonly opts: TokenCacheOptions) {
    this.now = opts.now ?? Date.now;
    this.margin = opts.refreshMarginMs ?? 60_000;
  }

  /** The cached token if still fresh, else the (shared) result of one new token request. */
  get(): Promise<CachedToken> {
    const cached = this.current;
    if (cached && this.isFresh(cached)) return Promise.resolve(cached);
    return this.fetchShared();
  }

  /** A token from a new request (shared with one already in flight); a refused request drops the cached token. */
  renew(): Promise<CachedToken> {
    return this.fetchShared().catch((error: unknown) => {
      this.current = undefined;
      throw error;
    });
  }

  private fetchShared(): Promise<CachedToken> {
    if (!this.inFlight) {
      const startedAt = this.now();
      this.inFlight = this.opts
        .fetchToken()
        .then((token) => {
          this.current = token;
          this.issuedAt = startedAt;
          this.recent.push(token.accessToken);
          if (this.recent.length > 3) this.recent.shift();
          return token;
        })
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    return this.inFlight;
  }

  /** Forgets the token, but only if it is still the one that was rejected (a newer one stays). */
  invalidate(accessToken: string): void {
    if (this.current?.accessToken === accessToken) this.current = undefined;
  }

  /** Every token this cache holds, for redaction. */
  secrets(): string[] {
    return [...this.recent];
  }

  private isFresh(token: CachedToken): boolean {
    const lifetime = token.expiresAt - this.issuedAt;
    const margin = Math.min(this.margin, lifetime / 2);
    return this.now() < token.expiresAt - margin;
  }
}
