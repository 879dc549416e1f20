import type { RecoveryRecord } from '@kbinlog/topology';

/** Why the coordinator refused or failed a request; mapped to HTTP only at the edge. */
export enum CoordinatorErrorCode {
  NotLeader = 'not_leader',
  NoSource = 'no_source',
  NoRecovery = 'no_recovery',
  Busy = 'busy',
  SwitchoverRefused = 'switchover_refused',
  SwitchoverFailed = 'switchover_failed',
}

export class CoordinatorError extends Error {
  constructor(
    readonly code: CoordinatorErrorCode,
    message: string,
    /** The recovery as recorded, when a switchover failed after it started. */
    readonly recovery?: RecoveryRecord,
  ) {
    super(message);
    this.name = 'CoordinatorError';
  }
}
