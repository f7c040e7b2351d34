// Every pub/sub topic of the bus and the schema of its messages: publish and subscribe are
// typed by this map, and what arrives is validated at the edge (a malformed message from
// another node is logged and dropped, never cast). RPC topics (the SFU's) are separate.
import { z } from 'zod';

const Id = z.string().min(1).max(200);
const Kind = z.enum(['audio', 'video']);
const Source = z.enum(['mic', 'webcam', 'screen']);
/** Set by the SFU node that emitted the event (absent from events made up by a watcher). */
const NodeId = z.string().max(200).optional();

export const SfuEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('newProducer'), roomId: Id, peerId: Id, producerId: Id, kind: Kind, source: Source, nodeId: NodeId }),
  z.object({ type: z.literal('producerClosed'), roomId: Id, peerId: Id, producerId: Id, nodeId: NodeId }),
  z.object({ type: z.literal('producerPaused'), roomId: Id, peerId: Id, producerId: Id, source: Source, nodeId: NodeId }),
  z.object({ type: z.literal('producerResumed'), roomId: Id, peerId: Id, producerId: Id, source: Source, nodeId: NodeId }),
  z.object({ type: z.literal('consumerClosed'), roomId: Id, peerId: Id, consumerId: Id, producerId: Id, nodeId: NodeId }),
  z.object({ type: z.literal('producerLayersWanted'), roomId: Id, peerId: Id, producerId: Id, spatialLayer: z.number().int().min(0).max(15), nodeId: NodeId }),
  z.object({ type: z.literal('activeSpeaker'), roomId: Id, peerId: Id.nullable(), nodeId: NodeId }),
  z.object({ type: z.literal('roomClosed'), roomId: Id, reason: z.enum(['closed', 'worker_died']), nodeId: NodeId }),
  /** A node of a room that spans nodes died (`nodeId`): only these participants, placed on it, lost their media. */
  z.object({ type: z.literal('peersLost'), roomId: Id, peerIds: z.array(Id).max(100_000), nodeId: Id }),
]);
export type SfuEvent = z.infer<typeof SfuEvent>;

/** Session lifecycle and room settings, for every API node's gateway and recorder. */
export const SessionEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), sessionId: z.uuid() }),
  z.object({ type: z.literal('ended'), sessionId: z.uuid(), at: z.string() }),
  z.object({ type: z.literal('roomChanged'), sessionId: z.uuid(), locked: z.boolean(), guestAccess: z.enum(['lobby', 'open']) }),
]);
export type SessionEvent = z.infer<typeof SessionEvent>;

/** Acting on one participant's sockets wherever they are connected. */
export const RoomControl = z.discriminatedUnion('type', [
  z.object({ type: z.literal('admit'), sessionId: z.uuid(), peerId: Id }),
  z.object({ type: z.literal('deny'), sessionId: z.uuid(), peerId: Id }),
  z.object({ type: z.literal('remove'), sessionId: z.uuid(), peerId: Id }),
  z.object({ type: z.literal('replace'), sessionId: z.uuid(), peerId: Id, keepSocketId: Id }),
  z.object({ type: z.literal('promote'), sessionId: z.uuid(), peerId: Id, promoted: z.boolean() }),
]);
export type RoomControl = z.infer<typeof RoomControl>;

export const RecordingControl = z.object({ type: z.literal('stop'), sessionId: z.uuid() });
export type RecordingControl = z.infer<typeof RecordingControl>;

/** A new in-app notification, pushed to the user's open /user sockets on every node. */
export const UserNotification = z.object({
  userId: z.uuid(),
  notification: z.object({
    id: z.string(),
    type: z.string(),
    title: z.string(),
    body: z.string(),
    urgent: z.boolean(),
    createdAt: z.string(),
    link: z.string().optional(),
  }),
});
export type UserNotification = z.infer<typeof UserNotification>;

/** In-app notifications taken back (e.g. "Live now" once the session ended). */
export const UserNotificationsWithdrawn = z.object({ items: z.array(z.object({ id: z.string(), userId: z.uuid() })).max(10_000) });
export type UserNotificationsWithdrawn = z.infer<typeof UserNotificationsWithdrawn>;

/** A user's password, role or access changed: every node forgets what it cached of them. */
export const UserAccessChanged = z.object({ userId: z.uuid() });
export type UserAccessChanged = z.infer<typeof UserAccessChanged>;

export const TOPICS = {
  'lectern:sfu:events': SfuEvent,
  'lectern:session-events': SessionEvent,
  'lectern:room-control': RoomControl,
  'lectern:recording:control': RecordingControl,
  'lectern:user-notifications': UserNotification,
  'lectern:user-notifications-withdrawn': UserNotificationsWithdrawn,
  'lectern:user-access': UserAccessChanged,
} as const;

export type Topic = keyof typeof TOPICS;
export type TopicMessage<T extends Topic> = z.infer<(typeof TOPICS)[T]>;
