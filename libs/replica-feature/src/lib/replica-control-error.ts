export enum ReplicaControlErrorCode {
  /** MySQL error 3021: CHANGE REPLICATION SOURCE (or START UNTIL) while a thread runs. */
  ReplicaRunning = 'REPLICA_RUNNING',
  /** MySQL error 3085: SOURCE_DELAY changed while the applier runs. */
  ApplierRunning = 'APPLIER_RUNNING',
  /** A position in another cluster's binlog. */
  WrongCluster = 'WRONG_CLUSTER',
  /** CHANGE REPLICATION SOURCE to an offset before the log start or past its end. */
  PositionOutsideBinlog = 'POSITION_OUTSIDE_BINLOG',
  /** START with an applied position the binlog no longer (or not yet) holds (MySQL error 1236). */
  AppliedPositionOutsideBinlog = 'APPLIED_POSITION_OUTSIDE_BINLOG',
  /** The fetcher could not reach the binlog (Last_IO_Error says why). */
  FetcherUnavailable = 'FETCHER_UNAVAILABLE',
  /** SOURCE_DELAY beyond MySQL's maximum (error 1729). */
  DelayOutOfRange = 'DELAY_OUT_OF_RANGE',
  /** The service is stopping; it takes no more controls. */
  ShuttingDown = 'SHUTTING_DOWN',
}

/** A replica control refused; mapped to its transport's error only at the edge. */
export class ReplicaControlError extends Error {
  constructor(
    readonly code: ReplicaControlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReplicaControlError';
  }
}
