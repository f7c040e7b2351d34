import { describe, expect, it, vi } from 'vitest';

vi.stubGlobal('window', {
  location: { pathname: '/', search: '', hash: '', origin: 'http://x' },
  addEventListener: () => undefined,
});
const { matchPath } = await import('./router.js');

describe('matchPath', () => {
  it('matchPath extracts named params', () => {
    expect(matchPath('/room/:sessionId', '/room/abc-1')).toEqual({ sessionId: 'abc-1' });
    expect(matchPath('/j/:code', '/j/AB%20CD')).toEqual({ code: 'AB CD' });
  });
  it('matchPath rejects other shapes', () => {
    expect(matchPath('/room/:sessionId', '/room')).toBeNull();
    expect(matchPath('/', '/login')).toBeNull();
    expect(matchPath('/', '/')).toEqual({});
  });
});
