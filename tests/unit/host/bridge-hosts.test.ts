/**
 * The Host values the bridge admits and the address it prints (review R2.9): the Host a client
 * sends for the printed address (WHATWG URL's `host`, which drops a scheme's default port, as
 * browsers and curl do) must be one the bridge admits, on port 80 as on any other.
 */
import { describe, expect, it } from 'vitest';
import { allowedHosts, pageUrl } from '../../../electron/engine/host/bridge';

describe('the bridge Host check and printed address', () => {
  it.each([80, 443, 1, 8080, 38418, 65535])('port %i: the printed address is admitted as it is sent', (port) => {
    const url = new URL(pageUrl(port, 'abc'));
    expect(url.searchParams.get('token')).toBe('abc');
    expect(allowedHosts(port)).toContain(url.host);
    expect(allowedHosts(port)).toContain(`localhost${url.port ? `:${url.port}` : ''}`);
  });

  it('prints port 80 without ":80" and admits the bare name only there', () => {
    expect(pageUrl(80, 't')).toBe('http://127.0.0.1/?token=t');
    expect(allowedHosts(80)).toEqual(expect.arrayContaining(['127.0.0.1', 'localhost', '127.0.0.1:80', 'localhost:80']));
    expect(pageUrl(8080, 't')).toBe('http://127.0.0.1:8080/?token=t');
    expect(allowedHosts(8080)).toEqual(['127.0.0.1:8080', 'localhost:8080']);
    for (const port of [81, 8080]) {
      expect(allowedHosts(port)).not.toContain('127.0.0.1');
      expect(allowedHosts(port)).not.toContain('127.0.0.1:80');
    }
  });
});
