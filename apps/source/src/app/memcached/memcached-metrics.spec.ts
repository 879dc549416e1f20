import { type Command, clientError, DELETED, END, ERROR, EXISTS, NOT_FOUND, NOT_STORED, numberReply, OK, serverError, statsReply, STORED, TOUCHED, valuesReply, versionReply } from '@kbinlog/memcached-protocol';
import { Registry } from 'prom-client';
import { memcachedCommandName, MemcachedMetrics, memcachedResult } from './memcached-metrics';

describe('source > memcached > metrics', () => {
  it.each([
    ['STORED', STORED, 'stored'],
    ['NOT_STORED', NOT_STORED, 'not_stored'],
    ['EXISTS', EXISTS, 'exists'],
    ['NOT_FOUND', NOT_FOUND, 'not_found'],
    ['DELETED', DELETED, 'deleted'],
    ['TOUCHED', TOUCHED, 'touched'],
    ['OK', OK, 'ok'],
    ['ERROR', ERROR, 'error'],
    ['a retrieval with a hit', valuesReply([{ key: 'k', flags: 0, data: Buffer.from('v') }], false), 'hit'],
    ['a retrieval of misses only', valuesReply([], false), 'miss'],
    ['END itself', END, 'miss'],
    ['CLIENT_ERROR', clientError('bad data chunk'), 'client_error'],
    ['SERVER_ERROR', serverError('out of memory'), 'server_error'],
    ['incr/decr', numberReply(42n), 'ok'],
    ['VERSION', versionReply('1.0'), 'ok'],
    ['stats', statsReply([['pid', 1]]), 'ok'],
    ['quit', 'close' as const, 'ok'],
  ])('reads %s as %s', (_name, reply, result) => {
    expect(memcachedResult(reply)).toBe(result);
  });

  it('names commands by their verb where one kind has several', () => {
    expect(memcachedCommandName({ kind: 'store', verb: 'append' } as Command)).toBe('append');
    expect(memcachedCommandName({ kind: 'get', verb: 'gets' } as Command)).toBe('gets');
    expect(memcachedCommandName({ kind: 'arithmetic', verb: 'decr' } as Command)).toBe('decr');
    expect(memcachedCommandName({ kind: 'flush_all' } as Command)).toBe('flush_all');
  });

  it('counts each command by command and result', async () => {
    const registry = new Registry();
    const metrics = new MemcachedMetrics(registry);
    const set = { kind: 'store', verb: 'set', key: 'k', flags: 0, exptime: 0, data: Buffer.from('v'), noreply: false } as const;
    metrics.executed(set, STORED);
    metrics.executed(set, STORED);
    metrics.executed({ kind: 'get', verb: 'get', keys: ['k'] }, valuesReply([], false));
    const exposition = await registry.metrics();
    expect(exposition).toContain('kbinlog_memcached_commands_total{command="set",result="stored"} 2');
    expect(exposition).toContain('kbinlog_memcached_commands_total{command="get",result="miss"} 1');
  });
});
