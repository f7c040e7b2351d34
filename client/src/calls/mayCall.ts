// Who sees the Call button (the server decides again: 403 otherwise).
export interface ConvLike {
  id: string;
  kind: 'direct' | 'group' | 'session';
  members: { userId: string; role: string }[];
}

const STAFF = ['admin', 'teacher', 'mentor'];

export function mayCall(role: string | undefined, me: string | undefined, conv: ConvLike): boolean {
  if (!role) return false;
  if (STAFF.includes(role)) return true;
  return conv.kind === 'direct' && conv.members.some((m) => m.userId !== me && STAFF.includes(m.role));
}
