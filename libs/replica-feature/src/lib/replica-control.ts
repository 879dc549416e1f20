import { type BinlogCoordinates, binlogCoordinates, formatCoordinates } from '@kbinlog/binlog';
import { MAX_SOURCE_DELAY_S, type ReplicaStatus, type UntilGtids } from '@kbinlog/replication';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ReplicaControlError, ReplicaControlErrorCode } from './replica-control-error';
import { REPLICA_HOST, type ReplicaHost } from './replica-host';

/** MySQL's START/STOP REPLICA IO_THREAD | SQL_THREAD: the fetcher or the applier. */
export type ReplicaThread = 'io' | 'sql';

/** MySQL's error 3021 (ER_REPLICA_CHANNEL_MUST_STOP), in kbinlog's words. */
const RUNNING_MESSAGE = 'This operation cannot be performed with a running replica; run STOP REPLICA first (MySQL error 3021)';
/** MySQL's ER_SOURCE_FATAL_ERROR_READING_BINLOG: the I/O thread cannot read from its position. */
const ER_SOURCE_FATAL_ERROR_READING_BINLOG = 1236;

interface IoRefusal {
  readonly errno: number;
  readonly message: string;
  readonly timestamp: string;
}

/** START REPLICA UNTIL stops the applier there: MySQL's UNTIL SOURCE_LOG_FILE/SOURCE_LOG_POS, or SQL_AFTER_GTIDS / SQL_BEFORE_GTIDS. */
export interface StartOptions {
  readonly thread?: ReplicaThread;
  readonly until?: BinlogCoordinates;
  readonly untilGtids?: UntilGtids;
}

/** CHANGE REPLICATION SOURCE TO: SOURCE_LOG_FILE + SOURCE_LOG_POS, SOURCE_DELAY, or both. */
export interface SourceChange {
  readonly position?: BinlogCoordinates;
  readonly delayS?: number;
}

/**
 * START REPLICA [UNTIL], STOP REPLICA, CHANGE REPLICATION SOURCE TO and SOURCE_POS_WAIT on the
 * host node's channel. Operations run one at a time (two concurrent STARTs must not race the
 * channel's own checks); status is read from the channel directly and never waits behind them,
 * and neither does a wait (a STOP must be able to end it).
 */
@Injectable()
export class ReplicaControl {
  private readonly logger = new Logger('ReplicaControl');
  private queue: Promise<unknown> = Promise.resolve();
  /** Why the fetcher was not started, shown as Last_IO_Error until it runs again. */
  private ioRefusal: IoRefusal | undefined;

  constructor(@Inject(REPLICA_HOST) private readonly node: ReplicaHost) {}

  /**
   * The first START once the node is open. An applied position outside the binlog leaves
   * replication stopped for the operator (Last_IO_Error says why) and answers false; any other
   * failure throws.
   */
  async startAtBoot(): Promise<boolean> {
    try {
      const status = await this.start();
      this.logger.log({ event: 'replica.started', ...this.node.identity, exec_position: status.Exec_Source_Coordinates, msg: 'replica started' });
      return true;
    } catch (error) {
      if (error instanceof ReplicaControlError && error.code === ReplicaControlErrorCode.AppliedPositionOutsideBinlog) {
        this.logger.error({ event: 'replica.not_started', reason: error.message, msg: 'replication not started: CHANGE REPLICATION SOURCE, then START REPLICA' });
        return false;
      }
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

  start({ thread, until, untilGtids }: StartOptions = {}): Promise<ReplicaStatus> {
    return this.serialized(async () => {
      const { channel } = this.node;
      if (until) this.checkCluster(until);
      if (until || untilGtids) {
        // MySQL ignores UNTIL for a running SQL thread (with a warning); refusing says it plainly.
        if (channel.applierRunning) {
          throw new ReplicaControlError(ReplicaControlErrorCode.ReplicaRunning, 'START REPLICA UNTIL needs the applier stopped: run STOP REPLICA SQL_THREAD first');
        }
      }
      if (thread !== 'sql' && !channel.fetcherRunning) await this.checkAppliedPosition();
      if (thread !== 'io') await channel.startApplier({ untilOffset: until?.offset, untilGtids });
      if (thread !== 'sql') {
        try {
          await channel.startFetcher();
        } catch (error) {
          throw new ReplicaControlError(ReplicaControlErrorCode.FetcherUnavailable, `the fetcher could not start: ${error instanceof Error ? error.message : String(error)}`);
        }
        this.ioRefusal = undefined;
      }
      const untilText = until ? formatCoordinates(until) : untilGtids ? `SQL_${untilGtids.when.toUpperCase()}_GTIDS = '${untilGtids.set.toString()}'` : undefined;
      this.logger.log({ event: 'replica.start', thread: thread ?? 'all', until: untilText, msg: 'START REPLICA' });
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

  /**
   * CHANGE REPLICATION SOURCE TO: SOURCE_LOG_POS moves the applier to `position` (both threads
   * stopped); SOURCE_DELAY sets the delay (the applier stopped, as MySQL requires).
   */
  changeSource({ position, delayS }: SourceChange): Promise<ReplicaStatus> {
    return this.serialized(async () => {
      const { channel } = this.node;
      if (!position) {
        if (delayS !== undefined) this.changeDelay(delayS);
        return this.status();
      }
      this.checkCluster(position);
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
      if (delayS !== undefined) this.changeDelay(delayS);
      const from = channel.status().Exec_Source_Coordinates;
      await channel.changePosition(position.offset);
      this.ioRefusal = undefined;
      this.logger.log({ event: 'replica.change_source', from, to: formatCoordinates(position), msg: 'CHANGE REPLICATION SOURCE' });
      return this.status();
    });
  }

  private changeDelay(delayS: number): void {
    const { channel } = this.node;
    if (channel.applierRunning) {
      throw new ReplicaControlError(ReplicaControlErrorCode.ApplierRunning, 'This operation cannot be performed with a running replica sql thread; run STOP REPLICA SQL_THREAD first');
    }
    if (!Number.isInteger(delayS) || delayS < 0 || delayS > MAX_SOURCE_DELAY_S) {
      throw new ReplicaControlError(ReplicaControlErrorCode.DelayOutOfRange, `The requested value ${delayS} for the source delay exceeds the maximum ${MAX_SOURCE_DELAY_S}`);
    }
    channel.setSourceDelay(delayS);
    this.logger.log({ event: 'replica.change_source', source_delay_s: delayS, msg: 'CHANGE REPLICATION SOURCE TO SOURCE_DELAY' });
  }

  /**
   * SOURCE_POS_WAIT: the number of groups applied until everything below `position` is, -1 after
   * `timeoutMs`, null if the applier is not running or stops first.
   */
  async wait(position: BinlogCoordinates, timeoutMs: number): Promise<number | null> {
    this.refuseWhileClosing();
    this.checkCluster(position);
    return this.node.channel.waitForPosition(position.offset, timeoutMs);
  }

  private checkCluster(position: BinlogCoordinates): void {
    if (position.cluster === this.node.cluster) return;
    throw new ReplicaControlError(
      ReplicaControlErrorCode.WrongCluster,
      `${formatCoordinates(position)} is a position in cluster "${position.cluster}"; this replica applies cluster "${this.node.cluster}"`,
    );
  }

  private refuseWhileClosing(): void {
    if (this.node.closing) throw new ReplicaControlError(ReplicaControlErrorCode.ShuttingDown, 'the replica is shutting down');
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
      this.refuseWhileClosing();
      return operation();
    };
    const result = this.queue.then(guarded, guarded);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
