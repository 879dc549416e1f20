import {
  CONFIG_BOOTSTRAP,
  DEFAULT_CONFIG_OPTION_ROWS,
  DEMO_CONTAINER_ROW,
  DEMO_TABLE,
  ER_TABLE_EXISTS_ERROR,
  INNODB_MEMCACHE_BOOTSTRAP,
  tableWasCreated,
} from './bootstrap-sql';
import { effectiveCachePolicies } from './cache-policy';
import { resolveConfigOptions } from './config-options';

const sqlOf = (statements: readonly { sql: string }[]): string[] => statements.map((statement) => statement.sql);

describe('innodb-memcache > bootstrap-sql', () => {
  describe('CONFIG_BOOTSTRAP', () => {
    it('creates the configuration database, its three tables, their rows, then the test database, in that order', () => {
      expect(sqlOf(CONFIG_BOOTSTRAP).map((sql) => sql.split('\n')[0])).toEqual([
        'CREATE DATABASE IF NOT EXISTS `innodb_memcache` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
        'CREATE TABLE IF NOT EXISTS `innodb_memcache`.`cache_policies` (',
        'CREATE TABLE IF NOT EXISTS `innodb_memcache`.`containers` (',
        'CREATE TABLE IF NOT EXISTS `innodb_memcache`.`config_options` (',
        "INSERT IGNORE INTO `innodb_memcache`.`cache_policies` (`policy_name`, `get_policy`, `set_policy`, `delete_policy`, `flush_policy`) VALUES ('cache_policy', 'innodb_only', 'innodb_only', 'innodb_only', 'innodb_only')",
        "INSERT IGNORE INTO `innodb_memcache`.`containers` (`name`, `db_schema`, `db_table`, `key_columns`, `value_columns`, `flags`, `cas_column`, `expire_time_column`, `unique_idx_name_on_key`) VALUES ('aaa', 'test', 'demo_test', 'c1', 'c2', 'c3', 'c4', 'c5', 'PRIMARY')",
        "INSERT IGNORE INTO `innodb_memcache`.`config_options` (`name`, `value`) VALUES ('separator', '|')",
        "INSERT IGNORE INTO `innodb_memcache`.`config_options` (`name`, `value`) VALUES ('table_map_delimiter', '.')",
        'CREATE DATABASE IF NOT EXISTS `test`',
      ]);
    });

    it('is safe to run at every start: only IF NOT EXISTS and INSERT IGNORE', () => {
      for (const sql of sqlOf(CONFIG_BOOTSTRAP)) {
        expect(sql).toMatch(/^(CREATE (DATABASE|TABLE) IF NOT EXISTS |INSERT IGNORE INTO )/);
        expect(sql).not.toMatch(/\b(DROP|TRUNCATE|DELETE|REPLACE|ALTER|UPDATE)\b/i);
      }
    });

    it('defines cache_policies with ENUM policy columns', () => {
      expect(CONFIG_BOOTSTRAP[1].sql).toBe(
        [
          'CREATE TABLE IF NOT EXISTS `innodb_memcache`.`cache_policies` (',
          '  `policy_name` VARCHAR(40) NOT NULL,',
          "  `get_policy` ENUM('innodb_only','cache_only','caching','disabled') NOT NULL,",
          "  `set_policy` ENUM('innodb_only','cache_only','caching','disabled') NOT NULL,",
          "  `delete_policy` ENUM('innodb_only','cache_only','caching','disabled') NOT NULL,",
          "  `flush_policy` ENUM('innodb_only','cache_only','caching','disabled') NOT NULL,",
          '  PRIMARY KEY (`policy_name`)',
          ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
        ].join('\n'),
      );
    });

    it('defines containers as the plugin script does', () => {
      expect(CONFIG_BOOTSTRAP[2].sql).toBe(
        [
          'CREATE TABLE IF NOT EXISTS `innodb_memcache`.`containers` (',
          '  `name` VARCHAR(50) NOT NULL,',
          '  `db_schema` VARCHAR(250) NOT NULL,',
          '  `db_table` VARCHAR(250) NOT NULL,',
          '  `key_columns` VARCHAR(250) NOT NULL,',
          '  `value_columns` VARCHAR(250),',
          "  `flags` VARCHAR(250) NOT NULL DEFAULT '0',",
          '  `cas_column` VARCHAR(250),',
          '  `expire_time_column` VARCHAR(250),',
          '  `unique_idx_name_on_key` VARCHAR(250) NOT NULL,',
          '  PRIMARY KEY (`name`)',
          ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
        ].join('\n'),
      );
    });

    it('defines config_options', () => {
      expect(CONFIG_BOOTSTRAP[3].sql).toContain('`name` VARCHAR(50) NOT NULL,\n  `value` VARCHAR(50),\n  PRIMARY KEY (`name`)');
    });

    it('uses InnoDB and utf8mb4 for every table', () => {
      const creates = [...sqlOf(CONFIG_BOOTSTRAP), DEMO_TABLE.create.sql].filter((sql) => sql.startsWith('CREATE TABLE'));
      expect(creates).toHaveLength(4);
      for (const sql of creates) expect(sql).toMatch(/\) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin$/);
    });

    it('describes every statement', () => {
      for (const statement of [...CONFIG_BOOTSTRAP, DEMO_TABLE.create, DEMO_TABLE.seed]) {
        expect(statement.description.length).toBeGreaterThan(10);
      }
    });

    it('seeds rows the rest of this library accepts', () => {
      expect(resolveConfigOptions(DEFAULT_CONFIG_OPTION_ROWS)).toEqual({
        ok: true,
        options: { separator: '|', tableMapDelimiter: '.' },
        ignored: [],
      });
      expect(
        effectiveCachePolicies([
          { policy_name: 'cache_policy', get_policy: 'innodb_only', set_policy: 'innodb_only', delete_policy: 'innodb_only', flush_policy: 'innodb_only' },
        ]).ok,
      ).toBe(true);
      expect(DEMO_CONTAINER_ROW).toEqual({
        name: 'aaa',
        db_schema: 'test',
        db_table: 'demo_test',
        key_columns: 'c1',
        value_columns: 'c2',
        flags: 'c3',
        cas_column: 'c4',
        expire_time_column: 'c5',
        unique_idx_name_on_key: 'PRIMARY',
      });
    });
  });

  describe('DEMO_TABLE', () => {
    it('creates test.demo_test without a row', () => {
      expect(DEMO_TABLE.create.sql).toBe(
        [
          'CREATE TABLE IF NOT EXISTS `test`.`demo_test` (',
          '  `c1` VARCHAR(32) NOT NULL,',
          '  `c2` VARCHAR(1024),',
          '  `c3` INT,',
          '  `c4` BIGINT UNSIGNED,',
          '  `c5` INT,',
          '  PRIMARY KEY (`c1`)',
          ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
        ].join('\n'),
      );
      expect(DEMO_TABLE.create.sql).not.toMatch(/INSERT|SELECT/);
    });

    it('keeps the seed row a separate statement, never part of the every-start list', () => {
      expect(DEMO_TABLE.seed.sql).toBe(
        "INSERT IGNORE INTO `test`.`demo_test` (`c1`, `c2`, `c3`, `c4`, `c5`) VALUES ('AA', 'HELLO, HELLO', 8, 0, 0)",
      );
      expect(sqlOf(CONFIG_BOOTSTRAP).some((sql) => sql.includes('demo_test') && sql.includes('HELLO'))).toBe(false);
      expect(INNODB_MEMCACHE_BOOTSTRAP.always).toBe(CONFIG_BOOTSTRAP);
      expect(INNODB_MEMCACHE_BOOTSTRAP.demoTable).toBe(DEMO_TABLE);
    });

    it('names the table the demo container maps', () => {
      expect([DEMO_TABLE.schema, DEMO_TABLE.table]).toEqual([DEMO_CONTAINER_ROW.db_schema, DEMO_CONTAINER_ROW.db_table]);
    });
  });

  describe('tableWasCreated', () => {
    it('is true without the "table exists" note', () => {
      expect(tableWasCreated([])).toBe(true);
      expect(tableWasCreated([{ Level: 'Warning', Code: 1287, Message: 'deprecated' }])).toBe(true);
    });

    it('is false with the 1050 note, as a number or a string', () => {
      expect(tableWasCreated([{ Level: 'Note', Code: ER_TABLE_EXISTS_ERROR, Message: "Table 'demo_test' already exists" }])).toBe(false);
      expect(tableWasCreated([{ Code: '1050' }])).toBe(false);
    });

    it('models a restart after a client deleted AA: the table exists, so the row is not inserted again', () => {
      const statementsRun: string[] = [];
      const start = (warningsAfterCreate: { Code: number }[]): void => {
        statementsRun.push(...sqlOf(CONFIG_BOOTSTRAP), DEMO_TABLE.create.sql);
        if (tableWasCreated(warningsAfterCreate)) statementsRun.push(DEMO_TABLE.seed.sql);
      };
      start([]);
      start([{ Code: ER_TABLE_EXISTS_ERROR }]);
      expect(statementsRun.filter((sql) => sql === DEMO_TABLE.seed.sql)).toHaveLength(1);
    });
  });
});
