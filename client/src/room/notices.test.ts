import { describe, expect, it } from 'vitest';
import { Notices } from './notices.js';

function setup(announce = true) {
  const timers: (() => void)[] = [];
  let changes = 0;
  const notices = new Notices(() => changes++, { setTimer: (fn) => timers.push(fn), max: 3 });
  return { notices, timers, changes: () => changes, announce };
}
const entry = (peerId: string) => ({ peerId, displayName: peerId, since: '2026-01-01T00:00:00.000Z' });

describe('notices', () => {
  it('shows a text once, keeps the newest few, and lets each expire', () => {
    const { notices, timers } = setup();
    const first = notices.show('Hello');
    expect(notices.show('Hello')).toBeNull();
    notices.show('a');
    notices.show('b');
    notices.show('c', 'warn');
    expect(notices.list.map((n) => n.text)).toEqual(['a', 'b', 'c']);
    expect(notices.list.at(-1)?.tone).toBe('warn');
    timers[1]!(); // 'a' expires
    expect(notices.list.map((n) => n.text)).toEqual(['b', 'c']);
    notices.dismiss(first!); // already gone: nothing happens
    expect(notices.list).toHaveLength(2);
  });

  it('announces lobby arrivals to hosts and closes the notice when they are let in', () => {
    const { notices } = setup();
    notices.lobbyChanged([], [entry('Ada')], true);
    expect(notices.list.map((n) => n.text)).toEqual(['Ada is waiting in the lobby.']);
    notices.lobbyChanged([entry('Ada')], [entry('Ada'), entry('Bao')], true);
    expect(notices.list).toHaveLength(2);
    notices.lobbyChanged([entry('Ada'), entry('Bao')], [entry('Bao')], true);
    expect(notices.list.map((n) => n.text)).toEqual(['Bao is waiting in the lobby.']);
  });

  it('says nothing about the lobby to participants', () => {
    const { notices, changes } = setup();
    notices.lobbyChanged([], [entry('Ada')], false);
    expect(notices.list).toHaveLength(0);
    expect(changes()).toBe(0);
  });
});
