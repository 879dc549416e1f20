import {
  CasCounter,
  type CachePolicies,
  type CachePolicyRow,
  type ColumnMetadata,
  type ConfigOptionRow,
  type ConfigOptions,
  type Container,
  type ContainerRow,
  effectiveCachePolicies,
  isSafeIdentifier,
  indexesFromStatistics,
  resolveConfigOptions,
  resolveContainers,
  type StatisticsRow,
  type TableMetadata,
} from '@kbinlog/innodb-memcache';
import type { DataSource } from 'typeorm';

/** What the memcached front door serves: read once at start, as the plugin does. */
export interface InnodbMapping {
  readonly containers: ReadonlyMap<string, Container>;
  readonly defaultContainer: Container;
  readonly policies: CachePolicies;
  readonly options: ConfigOptions;
  readonly cas: CasCounter;
}

export class MappingError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`innodb_memcache configuration refused:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'MappingError';
  }
}

async function tableMetadata(database: DataSource, schema: string, table: string): Promise<TableMetadata | null> {
  const columns = (await database.query(
    `SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, CHARACTER_MAXIMUM_LENGTH, EXTRA
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [schema, table],
  )) as ColumnMetadata[];
  if (columns.length === 0) return null;
  const statistics = (await database.query(
    `SELECT INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [schema, table],
  )) as StatisticsRow[];
  return { schema, table, columns, indexes: indexesFromStatistics(statistics) };
}

/** Reads and validates innodb_memcache.*; any invalid row refuses the whole set (as the plugin). */
export async function loadInnodbMapping(database: DataSource): Promise<InnodbMapping> {
  const rows = (await database.query('SELECT * FROM innodb_memcache.containers ORDER BY name')) as ContainerRow[];
  const tables = new Map<string, TableMetadata | null>();
  for (const { db_schema: schema, db_table: table } of rows) {
    // Unsafe names never reach SQL: resolveContainers reports them.
    if (schema && table && isSafeIdentifier(schema) && isSafeIdentifier(table) && !tables.has(`${schema}.${table}`)) {
      tables.set(`${schema}.${table}`, await tableMetadata(database, schema, table));
    }
  }
  const containers = resolveContainers(rows, (schema, table) => tables.get(`${schema}.${table}`));
  const policies = effectiveCachePolicies((await database.query('SELECT * FROM innodb_memcache.cache_policies')) as CachePolicyRow[]);
  const options = resolveConfigOptions((await database.query('SELECT * FROM innodb_memcache.config_options')) as ConfigOptionRow[]);
  const problems = [...(containers.ok ? [] : containers.errors), ...(policies.ok ? [] : policies.errors), ...(options.ok ? [] : options.errors)];
  if (!containers.ok || !policies.ok || !options.ok) throw new MappingError(problems);

  // cas never goes backwards across restarts: seed from the largest value stored in any cas column.
  const maxima: string[] = [];
  for (const container of containers.containers.values()) {
    if (!container.cas) continue;
    const [row] = (await database.query(
      `SELECT MAX(\`${container.cas.name}\`) AS cas FROM \`${container.schema}\`.\`${container.table}\``,
    )) as { cas: string | null }[];
    if (row?.cas) maxima.push(row.cas);
  }
  return {
    containers: containers.containers,
    defaultContainer: containers.defaultContainer,
    policies: policies.policies,
    options: options.options,
    cas: CasCounter.fromStoredMaxima(maxima),
  };
}
