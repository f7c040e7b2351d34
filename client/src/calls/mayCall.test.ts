import { describe, expect, it } from 'vitest';
import { mayCall } from './mayCall.js';

const me = 'u-me';
const member = (userId: string, role: string) => ({ userId, role });

describe('mayCall', () => {
  it('mayCall: staff may call in any conversation', () => {
    for (const role of ['teacher', 'mentor', 'admin']) expect(mayCall(role, me, { id: 'c', kind: 'group', members: [member(me, role)] })).toBe(true);
  });
  it('mayCall: a student may call a teacher directly, never a student or a group', () => {
    expect(mayCall('student', me, { id: 'c', kind: 'direct', members: [member(me, 'student'), member('t', 'teacher')] })).toBe(true);
    expect(mayCall('student', me, { id: 'c', kind: 'direct', members: [member(me, 'student'), member('s', 'student')] })).toBe(false);
    expect(mayCall('student', me, { id: 'c', kind: 'group', members: [member(me, 'student'), member('t', 'teacher')] })).toBe(false);
    expect(mayCall(undefined, undefined, { id: 'c', kind: 'direct', members: [] })).toBe(false);
  });
});
