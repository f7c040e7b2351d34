// JWTs with jose: HS256 only, `exp`, `iat`, `aud`, `iss` required. Access tokens for the
// API; room tokens (short-lived) for one session's room.
import { createHmac, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { UnauthorizedError } from '../errors.js';
import type { UserRole } from '@lectern/db';

const ALG = 'HS256';
const ISSUER = 'lectern';
export const API_AUDIENCE = 'lectern:api';
export const ROOM_AUDIENCE = 'lectern:room';

export const ROOM_ROLES = ['host', 'cohost', 'participant', 'guest'] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];

/** Participant ids of people who joined by code without signing in start with this. */
export const CODE_GUEST_PREFIX = 'guest:';
/** A code guest can come back under a new identity (a new browser); a signed-in user cannot. */
export const isCodeGuest = (participantId: string): boolean => participantId.startsWith(CODE_GUEST_PREFIX);

export interface AccessClaims {
  userId: string;
  role: UserRole;
}

/** What a verified access token says, with when it was issued (seconds). */
export interface VerifiedAccess extends AccessClaims {
  issuedAt: number;
}

export interface RoomClaims {
  /** Stable identity within the session: user id, or `guest:<id>`. */
  participantId: string;
  sessionId: string;
  role: RoomRole;
  displayName: string;
  userId: string | null;
  /** Issued-at, seconds. */
  iat: number;
  jti: string;
}

const AccessPayload = z.object({
  sub: z.uuid(),
  iat: z.number(),
  role: z.enum(['admin', 'teacher', 'mentor', 'student']),
  typ: z.literal('access'),
});
const RoomPayload = z.object({
  sub: z.string().min(1).max(100),
  sid: z.uuid(),
  role: z.enum(ROOM_ROLES),
  name: z.string().min(1).max(80),
  uid: z.uuid().nullable(),
  typ: z.literal('room'),
  iat: z.number(),
  jti: z.string(),
});

export class TokenService {
  readonly #key: Uint8Array;
  readonly #clock: Clock;
  readonly #accessTtl: number;
  readonly #roomTtl: number;

  constructor(opts: { secret: string; clock: Clock; accessTtlSeconds: number; roomTtlSeconds: number }) {
    this.#key = new TextEncoder().encode(opts.secret);
    this.#clock = opts.clock;
    this.#accessTtl = opts.accessTtlSeconds;
    this.#roomTtl = opts.roomTtlSeconds;
  }

  /**
   * A stable guest identity for one browser in one session, derived from a secret the
   * browser keeps (`guestKey`). The id reveals nothing of the key, so seeing someone's
   * participant id in a room does not let anyone take it over.
   */
  guestParticipantId(sessionId: string, guestKey: string): string {
    const mac = createHmac('sha256', this.#key).update(`guest:${sessionId}:${guestKey}`).digest('base64url');
    return `${CODE_GUEST_PREFIX}${mac.slice(0, 32)}`;
  }

  get roomTtlSeconds(): number {
    return this.#roomTtl;
  }

  #nowSeconds(): number {
    return Math.floor(this.#clock.now().getTime() / 1000);
  }

  async #sign(payload: Record<string, unknown>, subject: string, audience: string, ttl: number): Promise<string> {
    const now = this.#nowSeconds();
    return new SignJWT(payload)
      .setProtectedHeader({ alg: ALG, typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .setJti(randomUUID())
      .sign(this.#key);
  }

  async #verify(token: string, audience: string): Promise<Record<string, unknown>> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: [ALG],
        issuer: ISSUER,
        audience,
        requiredClaims: ['exp', 'iat', 'sub', 'aud', 'iss'],
        currentDate: this.#clock.now(),
      });
      return payload;
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) throw new UnauthorizedError('Invalid or expired token');
      throw err;
    }
  }

  signAccess(claims: AccessClaims): Promise<string> {
    return this.#sign({ role: claims.role, typ: 'access' }, claims.userId, API_AUDIENCE, this.#accessTtl);
  }

  /** The token's claims when it is genuine and unexpired; whether its user may still use it is AccessGate's. */
  async verifyAccess(token: string): Promise<VerifiedAccess> {
    const parsed = AccessPayload.safeParse(await this.#verify(token, API_AUDIENCE));
    if (!parsed.success) throw new UnauthorizedError('Invalid or expired token');
    return { userId: parsed.data.sub, role: parsed.data.role, issuedAt: parsed.data.iat };
  }

  signRoom(claims: Omit<RoomClaims, 'iat' | 'jti'>): Promise<string> {
    return this.#sign(
      { sid: claims.sessionId, role: claims.role, name: claims.displayName, uid: claims.userId, typ: 'room' },
      claims.participantId,
      ROOM_AUDIENCE,
      this.#roomTtl,
    );
  }

  async verifyRoom(token: string): Promise<RoomClaims> {
    const parsed = RoomPayload.safeParse(await this.#verify(token, ROOM_AUDIENCE));
    if (!parsed.success) throw new UnauthorizedError('Invalid or expired token');
    const p = parsed.data;
    return { participantId: p.sub, sessionId: p.sid, role: p.role, displayName: p.name, userId: p.uid, iat: p.iat, jti: p.jti };
  }
}
