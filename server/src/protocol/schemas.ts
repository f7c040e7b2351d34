// Server-only: the zod schema of every signaling request, checked on arrival. The types
// in ./index.ts are inferred from these, so the client's calls fail to compile when a
// schema changes.
import { z } from 'zod';
import { MEDIA_SOURCES, QUALITY_LEVELS, ROSTER_PAGE_MAX } from './index.js';

// Media parameters come from mediasoup-client/mediasoup; they are checked for shape
// and size here and validated in depth by mediasoup itself.
const Json = z.record(z.string(), z.unknown());
const Id = z.string().min(1).max(64);
export const MediaSource = z.enum(MEDIA_SOURCES);

export const requestSchemas = {
  getRouterRtpCapabilities: z.object({}).strict(),
  join: z.object({ rtpCapabilities: Json }).strict(),
  createTransport: z.object({ direction: z.enum(['send', 'recv']) }).strict(),
  connectTransport: z.object({ transportId: Id, dtlsParameters: Json }).strict(),
  restartIce: z.object({ transportId: Id }).strict(),
  produce: z
    .object({ transportId: Id, kind: z.enum(['audio', 'video']), rtpParameters: Json, source: MediaSource })
    .strict(),
  closeProducer: z.object({ producerId: Id }).strict(),
  pauseProducer: z.object({ producerId: Id }).strict(),
  resumeProducer: z.object({ producerId: Id }).strict(),
  consume: z.object({ transportId: Id, producerId: Id }).strict(),
  pauseConsumer: z.object({ consumerId: Id }).strict(),
  resumeConsumer: z.object({ consumerId: Id }).strict(),
  setPreferredLayers: z
    .object({ consumerId: Id, spatialLayer: z.number().int().min(0).max(2), temporalLayer: z.number().int().min(0).max(2).optional() })
    .strict(),
  /** This browser's own connection quality, sent when it changes; told to the hosts. */
  reportQuality: z.object({ level: z.enum(QUALITY_LEVELS) }).strict(),
  leave: z.object({}).strict(),
  /** One page of the people in the room (everyone but the caller), hosts and presenters first. */
  roster: z.object({ offset: z.number().int().min(0).max(100_000).default(0), limit: z.number().int().min(1).max(ROSTER_PAGE_MAX).default(50) }).strict(),
  // Teacher controls (host, co-host, admin).
  admit: z.object({ peerId: Id }).strict(),
  deny: z.object({ peerId: Id }).strict(),
  mutePeer: z.object({ peerId: Id.optional(), source: z.enum(['mic', 'webcam', 'all']).default('mic') }).strict(),
  removePeer: z.object({ peerId: Id }).strict(),
  lockRoom: z.object({ locked: z.boolean() }).strict(),
  /** Webinar: lets a viewer publish (promote) or takes that back and closes their producers (demote). */
  promote: z.object({ peerId: Id }).strict(),
  demote: z.object({ peerId: Id }).strict(),
  startRecording: z.object({}).strict(),
  stopRecording: z.object({}).strict(),
  endSession: z.object({}).strict(),
} as const;
