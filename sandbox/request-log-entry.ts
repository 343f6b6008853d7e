/** One request the sandbox received, as its request log keeps it: never secrets, never tokens. */
export interface RequestLogEntry {
  seq: number;
  /** ISO time the request arrived (sandbox clock). */
  time: string;
  /** Wall-clock arrival in ms since the epoch (real clock, for pacing measurements). */
  receivedAtMs: number;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  clientId?: string;
  partnerId?: string;
  appId?: string;
  durationMs: number;
  faults?: string[];
  /** commit_then_drop: handled (status is what would have been sent) but the connection was cut. */
  dropped?: boolean;
}
