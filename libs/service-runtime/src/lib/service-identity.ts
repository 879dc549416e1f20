export const SERVICE_IDENTITY = Symbol('SERVICE_IDENTITY');

export interface ServiceIdentity {
  /** `source`, `replica`, `coordinator`: appears in every log line and in /health. */
  readonly service: string;
  readonly version: string;
}
