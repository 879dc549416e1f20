import { formatCoordinates, InvalidCoordinatesError, parseCoordinates } from '@kbinlog/binlog';
import { InvalidArgumentError, Option } from 'commander';
import { serviceUrlOption } from './service-api';

export const REPLICA_URL_ENV = 'KBINLOG_REPLICA_URL';
export const DEFAULT_REPLICA_URL = 'http://127.0.0.1:8082';

export function replicaUrlOption(): Option {
  return serviceUrlOption(REPLICA_URL_ENV, DEFAULT_REPLICA_URL);
}

/** MySQL's IO_THREAD / SQL_THREAD: the fetcher or the applier; neither means both. */
export type ReplicaThread = 'io' | 'sql';

export interface ThreadFlags {
  readonly ioThread?: boolean;
  readonly sqlThread?: boolean;
}

export function threadOptions(verb: 'start' | 'stop'): Option[] {
  return [
    new Option('--io-thread', `${verb} only the fetcher (IO_THREAD)`).conflicts('sqlThread'),
    new Option('--sql-thread', `${verb} only the applier (SQL_THREAD)`).conflicts('ioThread'),
  ];
}

/** The request body of POST /replica/start and /replica/stop. */
export function threadBody(flags: ThreadFlags): { thread?: ReplicaThread } {
  if (flags.ioThread) return { thread: 'io' };
  if (flags.sqlThread) return { thread: 'sql' };
  return {};
}

/** The fields a control command reports: whether each thread runs and why it stopped. */
export const CONTROL_FIELDS = [
  'Replica_IO_Running',
  'Replica_SQL_Running',
  'Read_Source_Coordinates',
  'Exec_Source_Coordinates',
  'Last_IO_Error',
  'Last_SQL_Error',
] as const;

export function pick(record: Readonly<Record<string, unknown>>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((field) => field in record).map((field) => [field, record[field]]));
}

/** Binlog coordinates, checked here too so a typo never reaches the replica. */
export function binlogPosition(value: string): string {
  try {
    return formatCoordinates(parseCoordinates(value));
  } catch (error) {
    if (error instanceof InvalidCoordinatesError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}
