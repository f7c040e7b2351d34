// Admin pages: the course list with owners and head counts, archiving, bulk enrolment
// by email (pasted or from a CSV) with a preview that names every row's problem, and where
// a live session's media runs (SFU nodes, their routers and peers).
import { z } from 'zod';

export const CourseSummary = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string(),
  ownerId: z.uuid(),
  ownerName: z.string(),
  archived: z.boolean(),
  studentCount: z.number().int(),
  createdAt: z.string(),
});
export type CourseSummary = z.infer<typeof CourseSummary>;

export const CourseListQuery = z.object({ archived: z.enum(['exclude', 'include', 'only']).default('include') });
export const CourseList = z.array(CourseSummary);

export const ArchiveBody = z.object({ archived: z.boolean() });

export const BulkEnrolBody = z.object({
  /** One entry per input row (a pasted line or a CSV record), in order; the row number is its index + 1. */
  emails: z.array(z.string().max(320)).min(1, 'add at least one email address').max(2000, 'at most 2000 rows at a time'),
  /** true: only say what would happen. */
  dryRun: z.boolean().default(false),
});
export type BulkEnrolBody = z.input<typeof BulkEnrolBody>;

export const BULK_ROW_STATUSES = ['enrol', 'already', 'error'] as const;
export const BulkEnrolRow = z.object({
  row: z.number().int(),
  email: z.string(),
  status: z.enum(BULK_ROW_STATUSES),
  /** For 'error' rows: what is wrong, in words. */
  message: z.string().optional(),
  name: z.string().optional(),
  userId: z.uuid().optional(),
});
export type BulkEnrolRow = z.infer<typeof BulkEnrolRow>;

export const BulkEnrolResult = z.object({
  rows: z.array(BulkEnrolRow),
  /** Students newly enrolled (0 on a dry run). */
  enrolled: z.number().int(),
  errors: z.number().int(),
});
export type BulkEnrolResult = z.infer<typeof BulkEnrolResult>;

export const SessionIdParams = z.object({ sessionId: z.uuid() });

export const RoomRouterLayout = z.object({
  /** The mediasoup worker process the router is on. */
  workerPid: z.number().int(),
  /** The room's peers placed on this router. */
  peers: z.number().int(),
});
export const RoomNodeLayout = z.object({
  nodeId: z.string(),
  /** The room's routers on this node, its first router (active speaker) first. */
  routers: z.array(RoomRouterLayout),
});
/** Empty `nodes`: the session exists but its room is not live on any SFU node now. */
export const RoomLayout = z.object({ nodes: z.array(RoomNodeLayout) });
export type RoomLayout = z.infer<typeof RoomLayout>;
