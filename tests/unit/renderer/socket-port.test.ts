import { describe, expect, it } from 'vitest';
import { bridgeMediaUrl, bridgeSocketUrl } from '../../../renderer/lib/socket-port';

describe('the browser bridge addresses', () => {
  it('carries the page token to the WebSocket and to media', () => {
    const loc = { protocol: 'http:', host: '127.0.0.1:5173', search: '?token=ab%2Fc' };
    expect(bridgeSocketUrl(loc)).toBe('ws://127.0.0.1:5173/api?token=ab%2Fc');
    expect(bridgeMediaUrl(loc.search, 'clip', 'f00-1')).toBe('/media/clip/f00-1?token=ab%2Fc');
    expect(bridgeMediaUrl('', 'track', 7)).toBe('/media/track/7?token=');
  });
});
