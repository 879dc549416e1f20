import { WriteRefusedError } from './binlog-committer';
import { NodeWrites } from './node-writes';
import { READ_ONLY_SQL_ERROR, ReadOnlyError } from './read-only';

describe('ReadOnlyError', () => {
  it('names this node and the source clients should write to', () => {
    const error = new ReadOnlyError('node-b', 'node-a');
    expect(error.message).toBe('read only: node-b is a replica; write to the source (node-a)');
    // The memcached edge answers every WriteRefusedError as SERVER_ERROR <message>.
    expect(error).toBeInstanceOf(WriteRefusedError);
  });

  it('says unknown when no assignment names a source', () => {
    expect(new ReadOnlyError('node-b', undefined).message).toBe('read only: node-b is a replica; write to the source (unknown)');
  });

  it('is refused in SQL as MySQL does under read_only', () => {
    expect(READ_ONLY_SQL_ERROR).toEqual({ errno: 1290, sqlState: 'HY000', message: 'The MySQL server is running with the --read-only option so it cannot execute this statement' });
  });
});

describe('NodeWrites while closed', () => {
  const writes = new NodeWrites(() => new ReadOnlyError('node-b', 'node-a'));

  it('refuses at the front door without running the write', async () => {
    let ran = false;
    await expect(writes.admit(async () => (ran = true))).rejects.toThrow('read only: node-b is a replica; write to the source (node-a)');
    expect(ran).toBe(false);
    expect(writes.refusal()).toBeInstanceOf(ReadOnlyError);
    expect(writes.isOpen).toBe(false);
  });

  it('rolls a session transaction back before refusing its commit', async () => {
    const done: string[] = [];
    const transaction = {
      events: [],
      writePosition: async () => void done.push('position'),
      commit: async () => void done.push('commit'),
      rollback: async () => void done.push('rollback'),
    };
    await expect(writes.commitSession(transaction)).rejects.toBeInstanceOf(ReadOnlyError);
    expect(done).toEqual(['rollback']);
  });
});
