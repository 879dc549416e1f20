import { filterSettingProblems, readFilterRules, splitFilterList } from './filter-settings';
import { parseFilterRules } from './replication-filter';

describe('splitFilterList (one flag or environment value)', () => {
  it('splits on commas and trims each entry; an empty value is no rule', () => {
    expect(splitFilterList('sales, hr ,ops')).toEqual(['sales', 'hr', 'ops']);
    expect(splitFilterList('')).toEqual([]);
    expect(splitFilterList('   ')).toEqual([]);
    expect(splitFilterList('a->b, c -> d')).toEqual(['a->b', 'c -> d']);
  });

  it('keeps empty entries so that validation can name them', () => {
    expect(splitFilterList('a,,b,')).toEqual(['a', '', 'b', '']);
  });
});

describe('reading the settings', () => {
  it('keeps names and patterns as given, in order, without duplicates', () => {
    const { rules, problems } = readFilterRules({
      'replicate-do-db': ['sales', 'hr', 'sales'],
      'replicate-ignore-table': ['sales.tmp', 'sales.tmp'],
      'replicate-wild-do-table': ['db%.t_'],
      'replicate-rewrite-db': ['prod->prod_copy', ' hr  ->  hr_copy ', 'prod->prod_copy'],
    });
    expect(problems).toEqual([]);
    expect(rules).toEqual({
      doDb: ['sales', 'hr'],
      ignoreDb: [],
      doTable: [],
      ignoreTable: ['sales.tmp'],
      wildDoTable: ['db%.t_'],
      wildIgnoreTable: [],
      rewriteDb: [
        { from: 'prod', to: 'prod_copy' },
        { from: 'hr', to: 'hr_copy' },
      ],
    });
  });

  it('splits db.tbl at the first dot, as MySQL does (a table name may hold a dot)', () => {
    expect(filterSettingProblems('replicate-do-table', ['db.t.1'])).toEqual([]);
  });

  it('names every malformed value, prefixed with its option', () => {
    const parsed = parseFilterRules({
      'replicate-do-db': ['sales', ''],
      'replicate-ignore-db': ['x'.repeat(65)],
      'replicate-do-table': ['orders', '.orders', 'sales.'],
      'replicate-ignore-table': [`${'d'.repeat(65)}.t`, `d.${'t'.repeat(65)}`],
      'replicate-wild-do-table': ['sales%', '.%', 'sales%.'],
      'replicate-wild-ignore-table': ['tmp%.%'],
      'replicate-rewrite-db': ['a>b', '->b', 'a->', 'a-> ', 'a->b', 'a->c', `a->${'c'.repeat(65)}`],
    });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems).toEqual([
      'replicate-do-db: an empty database name (a stray comma?)',
      `replicate-ignore-db: "${'x'.repeat(65)}" is longer than 64 characters, the longest MySQL database name`,
      'replicate-do-table: "orders" has no ".": expected db.tbl, e.g. sales.orders',
      'replicate-do-table: ".orders" has an empty database name: expected db.tbl',
      'replicate-do-table: "sales." has an empty table name: expected db.tbl (replicate-do-db or replicate-wild-do-table=db.% for a whole database)',
      `replicate-ignore-table: "${'d'.repeat(65)}.t": the database name is longer than 64 characters`,
      `replicate-ignore-table: "d.${'t'.repeat(65)}": the table name is longer than 64 characters`,
      'replicate-wild-do-table: "sales%" has no ".": expected db_pattern.tbl_pattern, e.g. sales%.%',
      'replicate-wild-do-table: ".%" has an empty database pattern: expected db_pattern.tbl_pattern (% matches any name)',
      'replicate-wild-do-table: "sales%." has an empty table pattern: expected db_pattern.tbl_pattern (% matches any name)',
      'replicate-rewrite-db: "a>b" has no "->": expected from_db->to_db',
      'replicate-rewrite-db: "->b" has an empty source database: expected from_db->to_db',
      'replicate-rewrite-db: "a->" has an empty target database: expected from_db->to_db',
      'replicate-rewrite-db: "a-> " has an empty target database: expected from_db->to_db',
      'replicate-rewrite-db: "a->c": a is already rewritten to b; a database can be rewritten to one database only',
      `replicate-rewrite-db: "a->${'c'.repeat(65)}": a database name is longer than 64 characters`,
    ]);
  });

  it('reports the problems of one option without its name, for a config loader that names it', () => {
    expect(filterSettingProblems('replicate-do-table', ['sales'])).toEqual(['"sales" has no ".": expected db.tbl, e.g. sales.orders']);
    expect(filterSettingProblems('replicate-wild-ignore-table', ['tmp%.%'])).toEqual([]);
  });

  it('accepts no settings at all: a filter that passes everything', () => {
    const parsed = parseFilterRules({});
    expect(parsed.ok && parsed.filter.isEmpty).toBe(true);
  });
});
