import { ColumnType } from '@kbinlog/mysql-protocol';
import { bindParameters, literalOf, placeholderOffsets } from './placeholders';

describe('prepared statement placeholders', () => {
  it('finds ? outside strings, quoted identifiers and comments', () => {
    const sql = "SELECT ?, '?', \"?\", `?`, 'it''s ?', 'a\\'?' -- ?\n, ? /* ? */ # ?\n FROM t WHERE a = ?";
    const offsets = placeholderOffsets(sql);
    expect(offsets.map((offset) => sql[offset])).toEqual(['?', '?', '?']);
    expect(offsets).toHaveLength(3);
  });

  it('survives unterminated quotes and comments without finding anything inside them', () => {
    expect(placeholderOffsets("SELECT ? FROM t WHERE a = 'open ?")).toHaveLength(1);
    expect(placeholderOffsets('SELECT ? /* ? never closed')).toHaveLength(1);
    expect(placeholderOffsets('')).toEqual([]);
  });

  it('binds numbers bare, text escaped, bytes as hex and NULL', () => {
    const int = { type: ColumnType.LONGLONG, unsigned: false };
    const text = { type: ColumnType.VAR_STRING, unsigned: false };
    expect(literalOf('42', int)).toBe('42');
    expect(literalOf('42; DROP TABLE t', int)).toBe("'42; DROP TABLE t'");
    expect(literalOf("O'Brien\\", text)).toBe("'O\\'Brien\\\\'");
    expect(literalOf(Buffer.from([0, 255]), text)).toBe("X'00ff'");
    expect(literalOf(null, text)).toBe('NULL');
    const sql = 'INSERT INTO t VALUES (?, ?) LIMIT ?';
    expect(bindParameters(sql, placeholderOffsets(sql), ['1', 'x?'], [int, text])).toBe("INSERT INTO t VALUES (1, 'x?') LIMIT NULL");
  });
});
