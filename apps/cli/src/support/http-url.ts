import { InvalidArgumentError } from 'commander';

/** A service's base URL from the command line: http(s) only, reduced to its origin. */
export function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`expected an http(s) URL, got ${value}`);
  }
  return url.origin;
}
