import type { RowImage } from '@kbinlog/binlog';
import {
  type ConfigOptions,
  type Container,
  flagsFromColumnValue,
  flagsToColumnValue,
  isExpired,
  joinValues,
  splitValue,
} from '@kbinlog/innodb-memcache';
import { dialectOf, queryRows } from '@kbinlog/node-store';
import type { EntityManager } from 'typeorm';

/** A memcached item as a container's row holds it. */
export interface Item {
  readonly value: string;
  readonly flags: number;
  readonly cas: bigint;
  /** Absolute Unix seconds, 0 = never. */
  readonly expiresAt: number;
}

/** A row of a container's table: its full image and the item it holds. */
export interface StoredRow {
  readonly image: RowImage;
  readonly item: Item;
}

export function itemOf(container: Container, options: ConfigOptions, image: RowImage): Item {
  const column = (name: string | undefined) => (name === undefined ? null : image[name]);
  return {
    value: joinValues(
      container.values.map((value) => image[value.name] ?? null),
      options.separator,
    ),
    flags: flagsFromColumnValue(column(container.flags?.name)),
    cas: BigInt(column(container.cas?.name) ?? 0),
    expiresAt: Number(column(container.expiry?.name) ?? 0),
  };
}

/**
 * Reads the row of `key`; with `lock`, under SELECT … FOR UPDATE, so the before image a write
 * logs is the row it changes. Expired rows are returned too (a write over one updates it).
 */
export async function readRow(
  manager: EntityManager,
  container: Container,
  options: ConfigOptions,
  key: string,
  lock: boolean,
): Promise<StoredRow | undefined> {
  const dialect = dialectOf(manager);
  const rows = await queryRows<RowImage>(
    manager,
    `SELECT * FROM ${dialect.qualifiedTable(container.schema, container.table)} WHERE ${dialect.quoteIdentifier(container.key.name)} = ?${lock ? dialect.lockingRead : ''}`,
    [key],
  );
  const image = rows[0];
  return image ? { image, item: itemOf(container, options, image) } : undefined;
}

export function isLive(row: StoredRow | undefined, nowSeconds: number): row is StoredRow {
  return row !== undefined && !isExpired(row.item.expiresAt, nowSeconds);
}

/** The mapped columns' values for an item: key, value columns (split), flags, cas, expiry. */
export function columnsOf(container: Container, options: ConfigOptions, key: string, item: Item): Record<string, string | null> {
  const columns: Record<string, string | null> = { [container.key.name]: key };
  const parts = container.values.length === 1 ? [item.value] : splitValue(item.value, options.separator, container.values.length);
  container.values.forEach((value, index) => (columns[value.name] = parts[index] ?? null));
  if (container.flags) columns[container.flags.name] = flagsToColumnValue(item.flags, container.flags).toString();
  if (container.cas) columns[container.cas.name] = item.cas.toString();
  if (container.expiry) {
    const max = Number(container.expiry.max);
    columns[container.expiry.name] = String(Math.min(item.expiresAt, max));
  }
  return columns;
}
