import {
  CACHE_POLICIES_TABLE,
  CasCounter,
  CONFIG_OPTIONS_TABLE,
  CONFIG_SCHEMA,
  CONTAINERS_TABLE,
  type CachePolicies,
  type CachePolicyRow,
  type ConfigOptionRow,
  type ConfigOptions,
  type Container,
  type ContainerRow,
  effectiveCachePolicies,
  isSafeIdentifier,
  indexesFromStatistics,
  resolveConfigOptions,
  resolveContainers,
  type TableMetadata,
} from '@kbinlog/innodb-memcache';
import { dialectOf, queryRows } from '@kbinlog/node-store';
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
  const found = await dialectOf(database).tableMetadata(database.manager, schema, table);
  return found && { schema, table, columns: found.columns, indexes: indexesFromStatistics(found.statistics) };
}

/** Reads and validates innodb_memcache.*; any invalid row refuses the whole set (as the plugin). */
export async function loadInnodbMapping(database: DataSource): Promise<InnodbMapping> {
  const dialect = dialectOf(database);
  const config = (table: string) => dialect.qualifiedTable(CONFIG_SCHEMA, table);
  const rows = await queryRows<ContainerRow>(database.manager, `SELECT * FROM ${config(CONTAINERS_TABLE)} ORDER BY name`);
  const tables = new Map<string, TableMetadata | null>();
  for (const { db_schema: schema, db_table: table } of rows) {
    // Unsafe names never reach SQL: resolveContainers reports them.
    if (schema && table && isSafeIdentifier(schema) && isSafeIdentifier(table) && !tables.has(`${schema}.${table}`)) {
      tables.set(`${schema}.${table}`, await tableMetadata(database, schema, table));
    }
  }
  const containers = resolveContainers(rows, (schema, table) => tables.get(`${schema}.${table}`));
  const policies = effectiveCachePolicies(await queryRows<CachePolicyRow>(database.manager, `SELECT * FROM ${config(CACHE_POLICIES_TABLE)}`));
  const options = resolveConfigOptions(await queryRows<ConfigOptionRow>(database.manager, `SELECT * FROM ${config(CONFIG_OPTIONS_TABLE)}`));
  const problems = [...(containers.ok ? [] : containers.errors), ...(policies.ok ? [] : policies.errors), ...(options.ok ? [] : options.errors)];
  if (!containers.ok || !policies.ok || !options.ok) throw new MappingError(problems);

  // cas never goes backwards across restarts: seed from the largest value stored in any cas column.
  const maxima: string[] = [];
  for (const container of containers.containers.values()) {
    if (!container.cas) continue;
    const [row] = await queryRows<{ cas: string | null }>(
      database.manager,
      `SELECT MAX(${dialect.quoteIdentifier(container.cas.name)}) AS cas FROM ${dialect.qualifiedTable(container.schema, container.table)}`,
    );
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
