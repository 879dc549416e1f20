import { type BinlogEvent, type BinlogGroup, binlogCoordinates, formatCoordinates, GtidSet, parseGtid } from '@kbinlog/binlog';
import { BinlogReader, type FetchedRecord, type StructuredLog } from '@kbinlog/binlog-kafka';
import {
  type AppliedPosition,
  applyGroup,
  applyGroups,
  ApplyError,
  type FetchedGroup,
  isRowGroup,
  type EventFilter,
  readAppliedPosition,
  type ReplicaExecMode,
  setAppliedPosition,
  type TableCatalog,
} from '@kbinlog/node-store';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { ReplicationMetrics } from './replication-metrics';

export interface ChannelOptions {
  readonly cluster: string;
  readonly topic: string;
  /** Consumer group that mirrors the applied position (kbinlog.<cluster>.replica.<node>). */
  readonly consumerGroup: string;
  readonly execMode: ReplicaExecMode;
  readonly relayMaxRecords: number;
  readonly relayMaxBytes: number;
  /**
   * Most relayed groups the applier applies in one database transaction (1: a transaction per
   * group, as MySQL's applier commits each). Only what is already relayed is taken: a batch never
   * waits for more groups.
   */
  readonly applyBatchMaxGroups: number;
  /**
   * Replication filters, a replica's `--replicate-*` settings. None by default: a source
   * catching up on its own log applies everything.
   */
  readonly filter?: ChannelFilter;
  /** SOURCE_DELAY at start, in seconds (0: none; CHANGE REPLICATION SOURCE TO SOURCE_DELAY changes it). */
  readonly sourceDelayS?: number;
}

/** The Replicate_* fields of SHOW REPLICA STATUS ('' where a rule list is empty). */
export interface ReplicationFilterStatus {
  readonly Replicate_Do_DB: string;
  readonly Replicate_Ignore_DB: string;
  readonly Replicate_Do_Table: string;
  readonly Replicate_Ignore_Table: string;
  readonly Replicate_Wild_Do_Table: string;
  readonly Replicate_Wild_Ignore_Table: string;
  /** MySQL 8's form: `(from,to)` pairs, comma-joined. */
  readonly Replicate_Rewrite_DB: string;
}

/** What the channel needs of a replication filter (libs/replication-filter's ReplicationFilter is one). */
export interface ChannelFilter {
  /** The event as this node applies it (its database rewritten), or null to skip it. */
  apply(event: BinlogEvent): BinlogEvent | null;
  status(): ReplicationFilterStatus;
}

const NO_FILTERS: ReplicationFilterStatus = {
  Replicate_Do_DB: '',
  Replicate_Ignore_DB: '',
  Replicate_Do_Table: '',
  Replicate_Ignore_Table: '',
  Replicate_Wild_Do_Table: '',
  Replicate_Wild_Ignore_Table: '',
  Replicate_Rewrite_DB: '',
};

export interface ChannelLog {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** The channel's lines as entries of a service's structured logger. */
export function channelLogTo(logger: StructuredLog): ChannelLog {
  return {
    info: (fields, message) => logger.log({ ...fields, msg: message }),
    error: (fields, message) => logger.error({ ...fields, msg: message }),
  };
}

/**
 * START REPLICA UNTIL: the applier applies every group below `untilOffset` (SOURCE_LOG_POS), or
 * until it executed every GTID of `untilGtids` (SQL_AFTER_GTIDS), or up to the first group whose
 * GTID is in it (SQL_BEFORE_GTIDS), then stops.
 */
export interface ApplierStart {
  readonly untilOffset?: bigint;
  readonly untilGtids?: UntilGtids;
  /** A promotion's catch-up applies the log to its end whatever SOURCE_DELAY says. */
  readonly ignoreSourceDelay?: boolean;
}

export interface UntilGtids {
  readonly set: GtidSet;
  readonly when: 'after' | 'before';
}

/** MySQL's largest SOURCE_DELAY, 2^31 - 1 seconds. */
export const MAX_SOURCE_DELAY_S = 2_147_483_647;

interface LastError {
  readonly errno: number;
  readonly message: string;
  readonly timestamp: string;
}

/** SHOW REPLICA STATUS, field for field where the concept is the same. */
export interface ReplicaStatus {
  readonly Replica_IO_State: string;
  readonly Source_Log_File: string;
  readonly Read_Source_Log_Pos: string;
  readonly Relay_Source_Log_File: string;
  readonly Exec_Source_Log_Pos: string;
  readonly Replica_IO_Running: 'Yes' | 'No';
  readonly Replica_SQL_Running: 'Yes' | 'No';
  readonly Replica_SQL_Running_State: string;
  readonly Replicate_Do_DB: string;
  readonly Replicate_Ignore_DB: string;
  readonly Replicate_Do_Table: string;
  readonly Replicate_Ignore_Table: string;
  readonly Replicate_Wild_Do_Table: string;
  readonly Replicate_Wild_Ignore_Table: string;
  readonly Last_Errno: number;
  readonly Last_Error: string;
  readonly Last_IO_Errno: number;
  readonly Last_IO_Error: string;
  readonly Last_IO_Error_Timestamp: string;
  readonly Last_SQL_Errno: number;
  readonly Last_SQL_Error: string;
  readonly Last_SQL_Error_Timestamp: string;
  /** START REPLICA UNTIL while the applier runs with it (MySQL clears it when the applier stops). */
  readonly Until_Condition: 'None' | 'SOURCE_POS' | 'SQL_AFTER_GTIDS' | 'SQL_BEFORE_GTIDS';
  readonly Until_Log_File: string;
  readonly Until_Log_Pos: string;
  /** pt-heartbeat's lag: floor(Milliseconds_Behind_Source / 1000). */
  readonly Seconds_Behind_Source: number | null;
  /** Not in MySQL: now minus the commit time of the last applied group; null before the first. */
  readonly Milliseconds_Behind_Source: number | null;
  /** SOURCE_DELAY: the applier applies a group no sooner than this many seconds after its commit. */
  readonly SQL_Delay: number;
  /** Seconds until the group the applier waits for is due; null while it does not wait for a delay. */
  readonly SQL_Remaining_Delay: number | null;
  readonly Source_Server_Id: number | null;
  readonly Source_UUID: string;
  readonly Retrieved_Gtid_Set: string;
  readonly Executed_Gtid_Set: string;
  readonly Replica_Exec_Mode: ReplicaExecMode;
  readonly Replicate_Rewrite_DB: string;
  readonly Channel_Name: string;
  /** Not in MySQL: the positions as kbinlog coordinates, for copy and paste. */
  readonly Read_Source_Coordinates: string;
  readonly Exec_Source_Coordinates: string;
  /** '' without an UNTIL condition. */
  readonly Until_Source_Coordinates: string;
}

/** A SOURCE_POS_WAIT in progress: resolved from the apply loop, never by polling. */
interface PositionWaiter {
  readonly offset: bigint;
  readonly appliedBefore: number;
  readonly resolve: (result: number | null) => void;
  readonly timer: NodeJS.Timeout | undefined;
}

const NO_ERROR = { errno: 0, message: '', timestamp: '' } as const;

/**
 * One replication channel: a fetcher (MySQL's I/O thread; a Kafka consumer reading
 * read_committed) filling a bounded relay buffer, and an applier (the SQL thread) applying each
 * group atomically with its position (invariant 5). Both can be stopped and started alone, like
 * STOP/START REPLICA IO_THREAD | SQL_THREAD.
 *
 * The applier trusts only the position in its database: a record below it (a re-delivery after a
 * restart or seek) is skipped, so no group is applied twice.
 */
export class ReplicationChannel {
  private applied!: AppliedPosition;
  private readPosition = 0n;
  private retrieved = GtidSet.EMPTY;
  private lastSource: { serverId: number; uuid: string } | undefined;
  private reader: BinlogReader | undefined;
  private applierStop: (() => void) | undefined;
  private applierDone: Promise<void> | undefined;
  private applying = false;
  private ioError: LastError = NO_ERROR;
  private sqlError: LastError = NO_ERROR;
  private readonly relay: { offset: bigint; record: FetchedRecord }[] = [];
  private relayBytes = 0;
  private relayWaiters: (() => void)[] = [];
  private mirrorTimer: NodeJS.Timeout | undefined;
  private mirrored = -1n;
  private readonly filter: EventFilter | undefined;
  /** START REPLICA UNTIL's position or GTIDs while the applier runs with one. */
  private until: bigint | undefined;
  private untilGtids: UntilGtids | undefined;
  /** SOURCE_DELAY in milliseconds. */
  private delayMs: number;
  /** The running applier's delay: SOURCE_DELAY's, or 0 for a catch-up that ignores it. */
  private applyDelayMs = 0;
  /** When the group the applier holds back for SOURCE_DELAY is due (ms since the epoch); undefined while it holds none. */
  private delayedUntilMs: number | undefined;
  /** Groups applied since the channel was made: SOURCE_POS_WAIT counts with it. */
  private appliedGroups = 0;
  private positionWaiters: PositionWaiter[] = [];

  constructor(
    private readonly kafka: Kafka,
    private readonly database: DataSource,
    private readonly catalog: TableCatalog,
    private readonly options: ChannelOptions,
    private readonly log: ChannelLog,
    /** The process's replication metrics; none in tests of the channel alone. */
    private readonly metrics?: ReplicationMetrics,
  ) {
    const { filter } = options;
    this.filter = filter ? (event) => filter.apply(event) : undefined;
    this.delayMs = (options.sourceDelayS ?? 0) * 1000;
  }

  /** Loads the stored position; call once before anything else. */
  async load(): Promise<AppliedPosition> {
    this.applied = await readAppliedPosition(this.database.manager, this.options.topic);
    this.readPosition = this.applied.nextOffset;
    return this.applied;
  }

  get position(): AppliedPosition {
    return this.applied;
  }

  /** Read_Source_Log_Pos: the offset the fetcher reads next. */
  get fetchedOffset(): bigint {
    return this.readPosition;
  }

  /** Records fetched and not yet applied. */
  get relayed(): number {
    return this.relay.length;
  }

  get fetcherRunning(): boolean {
    return this.reader !== undefined;
  }

  get applierRunning(): boolean {
    return this.applierStop !== undefined;
  }

  /** The running applier holds groups back for SOURCE_DELAY. */
  get applierDelayed(): boolean {
    return this.applierStop !== undefined && this.applyDelayMs > 0;
  }

  async start(options: ApplierStart = {}): Promise<void> {
    await this.startApplier(options);
    await this.startFetcher();
  }

  async stop(): Promise<void> {
    await this.stopFetcher();
    await this.stopApplier();
  }

  async startFetcher(): Promise<void> {
    if (this.reader) return;
    // Fetch on from what is already relayed, or from the applied position.
    const from = this.relay.length > 0 ? this.relay[this.relay.length - 1].offset + 1n : this.applied.nextOffset;
    this.readPosition = from;
    const reader = new BinlogReader(this.kafka, this.options.topic, this.options.consumerGroup);
    this.reader = reader;
    this.ioError = NO_ERROR;
    try {
      await reader.start(from, {
        onRecords: (records) => this.relayRecords(records),
        onFetched: (nextOffset) => {
          // A batch a stopped fetcher no longer relayed must not count as read.
          if (this.reader !== reader) return;
          if (nextOffset > this.readPosition) this.readPosition = nextOffset;
          this.wakeRelay();
        },
        onStopped: (error) => {
          // Replica_IO_Running must not say Yes for a consumer that is gone.
          if (this.reader !== reader) return;
          this.reader = undefined;
          this.ioError = { errno: 2003, message: `binlog fetcher stopped: ${error.message}`, timestamp: new Date().toISOString() };
          this.log.error({ event: 'fetcher.stopped_on_error', error: error.message }, 'fetcher stopped on error');
          void reader.stop().catch(() => undefined);
        },
      });
      this.log.info({ event: 'fetcher.started', from: formatCoordinates(binlogCoordinates(this.options.cluster, from)) }, 'fetcher started');
    } catch (error) {
      this.reader = undefined;
      this.ioError = { errno: 2003, message: `error connecting to the binlog: ${String(error)}`, timestamp: new Date().toISOString() };
      await reader.stop().catch(() => undefined);
      throw error;
    }
  }

  async stopFetcher(): Promise<void> {
    const reader = this.reader;
    if (!reader) return;
    this.reader = undefined;
    await reader.stop();
    this.log.info({ event: 'fetcher.stopped' }, 'fetcher stopped');
  }

  /**
   * START REPLICA SQL_THREAD [UNTIL SOURCE_LOG_POS]. With `untilOffset` the applier applies
   * every group whose offset is below it, then stops without an error, as MySQL's SQL thread
   * does; a position already passed stops it at once. No-op while it runs.
   */
  async startApplier(options: ApplierStart = {}): Promise<void> {
    if (this.applierStop) return;
    this.sqlError = NO_ERROR;
    this.until = options.untilOffset;
    this.untilGtids = options.untilGtids;
    this.applyDelayMs = options.ignoreSourceDelay ? 0 : this.delayMs;
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    this.applierStop = stop;
    this.applierDone = this.applyLoop(stopped);
    this.startMirror();
  }

  async stopApplier(): Promise<void> {
    const stop = this.applierStop;
    if (!stop) return;
    stop();
    await this.applierDone;
    this.applierStopped();
    await this.mirrorPosition();
    if (this.mirrorTimer) clearInterval(this.mirrorTimer);
  }

  /** CHANGE REPLICATION SOURCE TO SOURCE_DELAY: the applier must be stopped, as in MySQL. */
  setSourceDelay(seconds: number): void {
    if (this.applierStop) {
      throw new ApplyError(3085, 'This operation cannot be performed with a running replica sql thread; run STOP REPLICA SQL_THREAD first');
    }
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_SOURCE_DELAY_S) {
      throw new ApplyError(1729, `The requested value ${seconds} for the source delay exceeds the maximum ${MAX_SOURCE_DELAY_S}`);
    }
    this.delayMs = seconds * 1000;
  }

  /** CHANGE REPLICATION SOURCE TO SOURCE_LOG_POS: both threads must be stopped. */
  async changePosition(nextOffset: bigint): Promise<void> {
    if (this.reader || this.applierStop) {
      throw new ApplyError(3021, 'This operation cannot be performed with a running replica; run STOP REPLICA first');
    }
    this.relay.length = 0;
    this.relayBytes = 0;
    const position = { ...this.applied, nextOffset };
    await this.database.transaction((manager) => setAppliedPosition(manager, position));
    this.applied = position;
    this.readPosition = nextOffset;
  }

  /**
   * Resolves when everything up to `end` is applied: the applied position reached it, or the
   * fetcher passed it and nothing fetched is left (the tail may be markers or aborted records).
   */
  async waitUntilApplied(end: bigint, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(this.applied.nextOffset >= end || (this.readPosition >= end && this.relay.length === 0 && !this.applying))) {
      if (this.sqlError.errno !== 0) throw new Error(`applier stopped: ${this.sqlError.message}`);
      if (Date.now() > deadline) throw new Error(`not applied up to offset ${end} within ${timeoutMs} ms (applied to ${this.applied.nextOffset})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * SOURCE_POS_WAIT: resolves with the number of groups applied while waiting once everything
   * below `offset` is applied (0 if it already is), -1 after `timeoutMs`, or null if the
   * applier is not running or stops first. Without `timeoutMs` it waits as long as it takes.
   */
  waitForPosition(offset: bigint, timeoutMs?: number): Promise<number | null> {
    if (!this.applierStop) return Promise.resolve(null);
    if (this.appliedThrough(offset)) return Promise.resolve(0);
    return new Promise((resolve) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.positionWaiters = this.positionWaiters.filter((waiter) => waiter.timer !== timer);
              resolve(-1);
            }, timeoutMs);
      this.positionWaiters.push({ offset, appliedBefore: this.appliedGroups, resolve, timer });
    });
  }

  /** pt-heartbeat's lag: how old the last applied group is, in ms; null before the first. */
  appliedAgeMs(): number | null {
    const committedUs = this.applied.lastCommitTimeUs;
    return committedUs === 0 ? null : Math.max(0, Math.floor(Date.now() - committedUs / 1000));
  }

  status(): ReplicaStatus {
    const io = this.reader !== undefined;
    const sql = this.applierStop !== undefined;
    const lastError = this.sqlError.errno !== 0 ? this.sqlError : this.ioError;
    const file = `${this.options.topic}-0`;
    const ageMs = this.appliedAgeMs();
    const until = sql ? this.until : undefined;
    const untilGtids = sql ? this.untilGtids : undefined;
    const delayedUntil = sql ? this.delayedUntilMs : undefined;
    const { Replicate_Rewrite_DB, ...filters } = this.options.filter?.status() ?? NO_FILTERS;
    return {
      Replica_IO_State: io ? 'Waiting for source to send event' : '',
      Source_Log_File: file,
      Read_Source_Log_Pos: this.readPosition.toString(),
      Relay_Source_Log_File: file,
      Exec_Source_Log_Pos: this.applied.nextOffset.toString(),
      Replica_IO_Running: io ? 'Yes' : 'No',
      Replica_SQL_Running: sql ? 'Yes' : 'No',
      Replica_SQL_Running_State: !sql
        ? ''
        : delayedUntil !== undefined
          ? 'Waiting until SOURCE_DELAY seconds after source executed event'
          : this.applying
            ? 'Applying batch of row changes'
            : 'Replica has read all relay log; waiting for more updates',
      ...filters,
      Last_Errno: lastError.errno,
      Last_Error: lastError.message,
      Last_IO_Errno: this.ioError.errno,
      Last_IO_Error: this.ioError.message,
      Last_IO_Error_Timestamp: this.ioError.timestamp,
      Last_SQL_Errno: this.sqlError.errno,
      Last_SQL_Error: this.sqlError.message,
      Last_SQL_Error_Timestamp: this.sqlError.timestamp,
      Until_Condition: until !== undefined ? 'SOURCE_POS' : untilGtids ? (untilGtids.when === 'after' ? 'SQL_AFTER_GTIDS' : 'SQL_BEFORE_GTIDS') : 'None',
      Until_Log_File: until === undefined ? '' : file,
      Until_Log_Pos: until === undefined ? '0' : until.toString(),
      // pt-heartbeat, not MySQL: the source's heartbeat groups keep a caught-up replica under one
      // interval, and the age keeps growing while replication is stopped.
      Seconds_Behind_Source: ageMs === null ? null : Math.floor(ageMs / 1000),
      Milliseconds_Behind_Source: ageMs,
      SQL_Delay: this.delayMs / 1000,
      SQL_Remaining_Delay: delayedUntil === undefined ? null : Math.max(0, Math.ceil((delayedUntil - Date.now()) / 1000)),
      Source_Server_Id: this.lastSource?.serverId ?? null,
      Source_UUID: this.lastSource?.uuid ?? '',
      Retrieved_Gtid_Set: this.retrieved.toString(),
      Executed_Gtid_Set: this.applied.executedGtids.toString(),
      Replica_Exec_Mode: this.options.execMode,
      Replicate_Rewrite_DB,
      Channel_Name: '',
      Read_Source_Coordinates: formatCoordinates(binlogCoordinates(this.options.cluster, this.readPosition)),
      Exec_Source_Coordinates: formatCoordinates(binlogCoordinates(this.options.cluster, this.applied.nextOffset)),
      Until_Source_Coordinates: until === undefined ? '' : formatCoordinates(binlogCoordinates(this.options.cluster, until)),
    };
  }

  private async relayRecords(records: readonly FetchedRecord[]): Promise<void> {
    for (const record of records) {
      const bytes = 'group' in record ? estimateBytes(record.group) : 0;
      while (this.relay.length > 0 && (this.relay.length >= this.options.relayMaxRecords || this.relayBytes + bytes > this.options.relayMaxBytes)) {
        if (!this.reader) return;
        await new Promise<void>((resolve) => this.relayWaiters.push(resolve));
      }
      if (!this.reader) return;
      this.relay.push({ offset: record.offset, record });
      this.relayBytes += bytes;
      if ('group' in record) this.retrieved = this.retrieved.add(parseGtid(record.group.gtid));
      this.wakeRelay();
    }
  }

  private wakeRelay(): void {
    const waiters = this.relayWaiters;
    this.relayWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async applyLoop(stopped: Promise<void>): Promise<void> {
    let stopping = false;
    void stopped.then(() => {
      stopping = true;
      this.wakeRelay();
    });
    while (!stopping) {
      this.settleWaiters();
      if (this.untilReached()) {
        const { Until_Source_Coordinates: until, Exec_Source_Coordinates: at } = this.status();
        this.log.info({ event: 'applier.until_reached', until, at }, 'applier reached its UNTIL position');
        this.applierStopped();
        return;
      }
      const next = this.relay[0];
      if (!next) {
        await new Promise<void>((resolve) => this.relayWaiters.push(resolve));
        continue;
      }
      const { offset, record } = next;
      if (offset < this.applied.nextOffset) {
        this.dropHeads(1);
        continue;
      }
      if ('error' in record) {
        this.failApplier(1594, record.error.message);
        return;
      }
      if (this.applyDelayMs > 0 && !(await this.delayed(record.group, stopped))) continue;
      this.applying = true;
      try {
        await this.applyRelayed(this.nextBatch());
      } catch (error) {
        this.failApplier(error instanceof ApplyError ? error.errno : 1205, error instanceof Error ? error.message : String(error));
        return;
      } finally {
        this.applying = false;
      }
    }
  }

  /**
   * The groups at the head of the relay that may share a database transaction: consecutive row
   * groups below the UNTIL position, up to applyBatchMaxGroups. A group with a statement goes
   * alone, and so does a head followed by nothing relayed yet.
   */
  private nextBatch(): FetchedGroup[] {
    const batch: FetchedGroup[] = [];
    const dueBefore = Date.now() - this.applyDelayMs;
    let executed = this.applied.executedGtids;
    for (const { offset, record } of this.relay) {
      if (!('group' in record) || batch.length >= this.options.applyBatchMaxGroups) break;
      if (this.until !== undefined && offset >= this.until) break;
      if (batch.length > 0 && !isRowGroup(record.group)) break;
      if (batch.length > 0 && this.applyDelayMs > 0 && record.group.commitTimeUs / 1000 > dueBefore) break;
      const untilGtids = this.untilGtids;
      if (untilGtids?.when === 'before' && untilGtids.set.contains(parseGtid(record.group.gtid))) break;
      batch.push({ offset, group: record.group });
      if (!isRowGroup(record.group)) break;
      if (untilGtids?.when === 'after') {
        executed = executed.add(parseGtid(record.group.gtid));
        if (executed.includes(untilGtids.set)) break;
      }
    }
    return batch;
  }

  /**
   * SOURCE_DELAY: waits until `group` is due (its commit time plus the delay). True when it is;
   * false when the wait ended early (a stop, or the relay changed), so the loop looks again.
   */
  private async delayed(group: BinlogGroup, stopped: Promise<void>): Promise<boolean> {
    const dueMs = group.commitTimeUs / 1000 + this.applyDelayMs;
    const waitMs = dueMs - Date.now();
    if (waitMs <= 0) return true;
    this.delayedUntilMs = dueMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([stopped, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(waitMs, 1_000))))]);
    } finally {
      clearTimeout(timer);
      this.delayedUntilMs = undefined;
    }
    return false;
  }

  /**
   * Applies the batch in one database transaction, or its groups one by one if that fails, so
   * that the groups before a failing one are applied and the error names the group that failed
   * (Last_SQL_Error, as MySQL's applier reports it).
   */
  private async applyRelayed(batch: readonly FetchedGroup[]): Promise<void> {
    if (batch.length > 1) {
      try {
        this.applied = await applyGroups(this.database, this.catalog, this.applied, batch, this.options.execMode, this.filter);
        this.metrics?.transactionApplied(batch.length);
        for (const { group } of batch) this.metrics?.groupApplied(group);
        this.groupsApplied(batch.length, batch[batch.length - 1].group);
        return;
      } catch {
        // Rolled back whole: find the failing group by applying them one at a time.
      }
    }
    for (const { offset, group } of batch) {
      this.applied = await applyGroup(this.database, this.catalog, this.applied, offset, group, this.options.execMode, this.filter);
      this.metrics?.transactionApplied(1);
      this.metrics?.groupApplied(group);
      this.groupsApplied(1, group);
    }
  }

  /** `count` groups at the relay's head were applied, `last` the last of them. */
  private groupsApplied(count: number, last: BinlogGroup): void {
    this.lastSource = { serverId: last.serverId, uuid: parseGtid(last.gtid).serverUuid };
    this.appliedGroups += count;
    this.dropHeads(count);
  }

  /** One splice for a batch: shifting a long relay one group at a time moves it once a group. */
  private dropHeads(count: number): void {
    for (const { record } of this.relay.splice(0, count)) if ('group' in record) this.relayBytes -= estimateBytes(record.group);
    this.wakeRelay();
  }

  /**
   * Everything below `offset` is applied: the applied position reached it, or the fetcher read
   * past it and nothing fetched is left to apply (the offsets between are transaction markers or
   * aborted records, invariant 7).
   */
  private appliedThrough(offset: bigint): boolean {
    return this.applied.nextOffset >= offset || (this.readPosition >= offset && this.relay.length === 0 && !this.applying);
  }

  /** UNTIL SOURCE_LOG_POS holds: every group below it is applied, or the next one is at or past it. */
  private untilReached(): boolean {
    const untilGtids = this.untilGtids;
    if (untilGtids) {
      if (untilGtids.when === 'after') return this.applied.executedGtids.includes(untilGtids.set);
      const next = this.relay[0]?.record;
      return next !== undefined && 'group' in next && untilGtids.set.contains(parseGtid(next.group.gtid)) && this.relay[0].offset >= this.applied.nextOffset;
    }
    const until = this.until;
    if (until === undefined) return false;
    // A head below the applied position is dropped unapplied; one at or past `until` never applies.
    const next = this.relay[0];
    return this.appliedThrough(until) || (next !== undefined && next.offset >= until);
  }

  private settleWaiters(): void {
    if (this.positionWaiters.length === 0) return;
    const waiting: PositionWaiter[] = [];
    for (const waiter of this.positionWaiters) {
      if (!this.appliedThrough(waiter.offset)) {
        waiting.push(waiter);
        continue;
      }
      clearTimeout(waiter.timer);
      waiter.resolve(this.appliedGroups - waiter.appliedBefore);
    }
    this.positionWaiters = waiting;
  }

  /** The applier is no longer running (stopped, failed or UNTIL reached): waits answer null. */
  private applierStopped(): void {
    this.applierStop = undefined;
    this.until = undefined;
    this.untilGtids = undefined;
    const waiters = this.positionWaiters;
    this.positionWaiters = [];
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(null);
    }
  }

  private failApplier(errno: number, message: string): void {
    this.sqlError = { errno, message, timestamp: new Date().toISOString() };
    this.metrics?.applierFailed();
    this.applierStopped();
    this.log.error({ event: 'applier.stopped', errno, error: message, at: this.status().Exec_Source_Coordinates }, 'applier stopped on error');
  }

  private startMirror(): void {
    if (this.mirrorTimer) clearInterval(this.mirrorTimer);
    // Kafka's view of the position (consumer-group lag) trails the database's by at most 200 ms.
    this.mirrorTimer = setInterval(() => void this.mirrorPosition(), 200);
    this.mirrorTimer.unref();
  }

  private async mirrorPosition(): Promise<void> {
    // Caught up, the fetch position is past the trailing commit marker; mirroring it (as a Java
    // consumer commits its position) makes Kafka's lag tools show 0 rather than 1.
    const caughtUp = this.relay.length === 0 && !this.applying && this.readPosition > this.applied.nextOffset;
    const next = caughtUp ? this.readPosition : this.applied.nextOffset;
    if (next === this.mirrored || !this.reader) return;
    try {
      await this.reader.commitPosition(next);
      this.mirrored = next;
    } catch {
      // Best effort: the database holds the truth; the next tick retries.
    }
  }
}

function estimateBytes(group: BinlogGroup): number {
  return 256 + group.events.length * 256;
}
