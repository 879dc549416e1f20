import { type BinlogCoordinates, binlogCoordinates, formatCoordinates } from '@kbinlog/binlog';
import type { ReplicaStatus } from '@kbinlog/replication';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { logStartFailure, ReplicaNode } from './node/replica-node';

/** MySQL's START/STOP REPLICA IO_THREAD | SQL_THREAD: the fetcher or the applier. */
export type ReplicaThread = 'io' | 'sql';

export enum ReplicaControlErrorCode {
  /** MySQL error 3021: CHANGE REPLICATION SOURCE while a thread runs. */
  ReplicaRunning = 'REPLICA_RUNNING',
  /** A position in another cluster's binlog. */
  WrongCluster = 'WRONG_CLUSTER',
  /** CHANGE REPLICATION SOURCE to an offset before the log start or past its end. */
  PositionOutsideBinlog = 'POSITION_OUTSIDE_BINLOG',
  /** START with an applied position the binlog no longer (or not yet) holds (MySQL error 1236). */
  AppliedPositionOutsideBinlog = 'APPLIED_POSITION_OUTSIDE_BINLOG',
  /** The fetcher could not reach the binlog (Last_IO_Error says why). */
  FetcherUnavailable = 'FETCHER_UNAVAILABLE',
  /** The service is stopping; it takes no more controls. */
  ShuttingDown = 'SHUTTING_DOWN',
}

export class ReplicaControlError extends Error {
  constructor(
    readonly code: ReplicaControlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReplicaControlError';
  }
}

/** MySQL's error 3021 (ER_REPLICA_CHANNEL_MUST_STOP), in kbinlog's words. */
const RUNNING_MESSAGE = 'This operation cannot be performed with a running replica; run STOP REPLICA first (MySQL error 3021)';
/** MySQL's ER_SOURCE_FATAL_ERROR_READING_BINLOG: the I/O thread cannot read from its position. */
const ER_SOURCE_FATAL_ERROR_READING_BINLOG = 1236;

interface IoRefusal {
  readonly errno: number;
  readonly message: string;
  readonly timestamp: string;
}

/**
 * START REPLICA, STOP REPLICA and CHANGE REPLICATION SOURCE TO on the node's channel, and the
 * first START once the node is open. Operations run one at a time (two concurrent STARTs must
 * not race the channel's own checks); status is read from the channel directly and never
 * waits behind them.
 */
@Injectable()
export class ReplicaControl implements OnApplicationBootstrap {
  private readonly logger = new Logger('ReplicaControl');
  private queue: Promise<unknown> = Promise.resolve();
  /** Why the fetcher was not started, shown as Last_IO_Error until it runs again. */
  private ioRefusal: IoRefusal | undefined;

  constructor(private readonly node: ReplicaNode) {}

  /** Starts replication before the HTTP API opens; an unusable position leaves it stopped, for the operator. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const status = await this.start();
      this.logger.log({ event: 'replica.started', ...this.node.identity, exec_position: status.Exec_Source_Coordinates, msg: 'replica started' });
    } catch (error) {
      if (error instanceof ReplicaControlError && error.code === ReplicaControlErrorCode.AppliedPositionOutsideBinlog) {
        this.logger.error({ event: 'replica.not_started', reason: error.message, msg: 'replication not started: CHANGE REPLICATION SOURCE, then START REPLICA' });
        return;
      }
      logStartFailure(this.logger, error);
      throw error;
    }
  }

  status(): ReplicaStatus {
    const status = this.node.channel.status();
    const refusal = this.ioRefusal;
    if (!refusal || status.Replica_IO_Running === 'Yes') return status;
    const sqlFailed = status.Last_SQL_Errno !== 0;
    return {
      ...status,
      Last_Errno: sqlFailed ? status.Last_Errno : refusal.errno,
      Last_Error: sqlFailed ? status.Last_Error : refusal.message,
      Last_IO_Errno: refusal.errno,
      Last_IO_Error: refusal.message,
      Last_IO_Error_Timestamp: refusal.timestamp,
    };
  }

  start(thread?: ReplicaThread): Promise<ReplicaStatus> {
    return this.serialized(async () => {
      const { channel } = this.node;
      if (thread !== 'sql' && !channel.fetcherRunning) await this.checkAppliedPosition();
      if (thread !== 'io') await channel.startApplier();
      if (thread !== 'sql') {
        try {
          await channel.startFetcher();
        } catch (error) {
          throw new ReplicaControlError(ReplicaControlErrorCode.FetcherUnavailable, `the fetcher could not start: ${error instanceof Error ? error.message : String(error)}`);
        }
        this.ioRefusal = undefined;
      }
      this.logger.log({ event: 'replica.start', thread: thread ?? 'all', msg: 'START REPLICA' });
      return this.status();
    });
  }

  stop(thread?: ReplicaThread): Promise<ReplicaStatus> {
    return this.serialized(async () => {
      const { channel } = this.node;
      // The fetcher first, as STOP REPLICA does: the applier then finishes its current group.
      if (thread !== 'sql') await channel.stopFetcher();
      if (thread !== 'io') await channel.stopApplier();
      this.logger.log({ event: 'replica.stop', thread: thread ?? 'all', msg: 'STOP REPLICA' });
      return this.status();
    });
  }

  /** CHANGE REPLICATION SOURCE TO SOURCE_LOG_POS: the applier continues from `position`. */
  changeSource(position: BinlogCoordinates): Promise<ReplicaStatus> {
    return this.serialized(async () => {
      const { channel } = this.node;
      if (position.cluster !== this.node.cluster) {
        throw new ReplicaControlError(
          ReplicaControlErrorCode.WrongCluster,
          `${formatCoordinates(position)} is a position in cluster "${position.cluster}"; this replica applies cluster "${this.node.cluster}"`,
        );
      }
      if (channel.fetcherRunning || channel.applierRunning) {
        throw new ReplicaControlError(ReplicaControlErrorCode.ReplicaRunning, RUNNING_MESSAGE);
      }
      // MySQL would accept it and fail later in the I/O thread (error 1236); refusing it now is
      // kinder than a START that cannot fetch.
      const { start, end } = await this.node.binlogBounds();
      if (position.offset < start || position.offset > end) {
        throw new ReplicaControlError(
          ReplicaControlErrorCode.PositionOutsideBinlog,
          `${formatCoordinates(position)} is outside the binlog, which now runs from offset ${start} to ${end}`,
        );
      }
      const from = channel.status().Exec_Source_Coordinates;
      await channel.changePosition(position.offset);
      this.ioRefusal = undefined;
      this.logger.log({ event: 'replica.change_source', from, to: formatCoordinates(position), msg: 'CHANGE REPLICATION SOURCE' });
      return this.status();
    });
  }

  /**
   * The fetcher must start inside the log. Kafka would silently move a fetch outside it to the
   * log start, and the applier would then skip, as already applied, every group below its
   * position: a recreated topic, or groups deleted by retention before this replica applied
   * them, must stop replication instead (MySQL: error 1236 from the I/O thread).
   */
  private async checkAppliedPosition(): Promise<void> {
    const { nextOffset } = this.node.channel.position;
    const { start, end } = await this.node.binlogBounds();
    if (nextOffset >= start && nextOffset <= end) return;
    const position = formatCoordinates(binlogCoordinates(this.node.cluster, nextOffset));
    const reason =
      nextOffset < start
        ? `the binlog now starts at offset ${start}: groups this replica has not applied were deleted (retention, or the topic was recreated)`
        : `the binlog ends at offset ${end}: the topic was recreated or this database belongs to another binlog`;
    const message = `cannot fetch from the applied position ${position}: ${reason}`;
    this.ioRefusal = { errno: ER_SOURCE_FATAL_ERROR_READING_BINLOG, message, timestamp: new Date().toISOString() };
    throw new ReplicaControlError(ReplicaControlErrorCode.AppliedPositionOutsideBinlog, message);
  }

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const guarded = () => {
      if (this.node.closing) throw new ReplicaControlError(ReplicaControlErrorCode.ShuttingDown, 'the replica is shutting down');
      return operation();
    };
    const result = this.queue.then(guarded, guarded);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
