// How the call notifications render for every channel: ringing is urgent (Urgency: high
// for Web Push, a short TTL so a late push does not ring a finished call); a missed call is not.
import { describe, expect, it } from 'vitest';
import { render } from '../notifications/templates.js';

const ctx = { publicUrl: 'https://lectern.example', now: new Date('2026-01-05T09:00:00Z') };
const callId = '7d0b3a2e-5b8e-4f7e-9a51-3f4d1c2b9a10';

describe('call notifications', () => {
  it('call notifications: ringing is urgent with a short push TTL and a link that opens the call', () => {
    const r = render({ eventType: 'call.ringing', eventKey: `call.ringing:${callId}`, payload: { title: 'Tess is calling', body: 'Tap to answer.', link: `/chat/c1?call=${callId}`, topic: callId } }, ctx);
    expect(r).toMatchObject({ title: 'Tess is calling', urgent: true, link: `/chat/c1?call=${callId}` });
    expect(r.push.ttlSeconds).toBeLessThanOrEqual(60);
    expect(r.push.topic).toBe(callId.replace(/-/g, ''));
  });

  it('call notifications: a missed call is a normal notification', () => {
    const r = render({ eventType: 'call.missed', eventKey: `call.missed:${callId}`, payload: { title: 'Missed call from Tess', body: 'You did not answer.', link: '/chat/c1' } }, ctx);
    expect(r).toMatchObject({ title: 'Missed call from Tess', urgent: false, link: '/chat/c1' });
  });
});
