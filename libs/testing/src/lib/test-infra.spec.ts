import { mariadbUrl, parseMariadbUrl } from './test-infra';

describe('MariaDB URLs', () => {
  it('round-trips, escaping credentials', () => {
    const server = parseMariadbUrl('db-1', 'mysql://app%40x:p%3Ass@127.0.0.1:13307/');
    expect(server).toEqual({ name: 'db-1', host: '127.0.0.1', port: 13307, user: 'app@x', password: 'p:ss' });
    expect(mariadbUrl(server, 'shop')).toBe('mysql://app%40x:p%3Ass@127.0.0.1:13307/shop');
  });

  it('defaults the port to 3306', () => {
    expect(parseMariadbUrl('db', 'mariadb://root:x@db.local').port).toBe(3306);
  });

  it.each([
    ['127.0.0.1:3306', /not a URL/],
    ['postgres://u:p@h:5432/', /expected a mysql:\/\/ or mariadb:\/\/ URL/],
    ['mysql://h:3306/', /needs a user/],
  ])('rejects %j', (text, message) => {
    expect(() => parseMariadbUrl('db', text)).toThrow(message);
  });
});
