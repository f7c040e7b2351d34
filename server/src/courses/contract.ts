// Contract of courses and enrolment.
import { z } from 'zod';
import { IsoDate } from '../http/contract.js';

export const Course = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string(),
  ownerId: z.uuid(),
  createdAt: IsoDate,
});
export type Course = z.infer<typeof Course>;

export const CreateCourseBody = z.object({
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5000).default(''),
  ownerId: z.uuid().optional().describe('admins only: the owning teacher'),
});
export type CreateCourseBody = z.input<typeof CreateCourseBody>;

export const UpdateCourseBody = z.object({ title: z.string().trim().min(1).max(200), description: z.string().max(5000), ownerId: z.uuid() }).partial();
export type UpdateCourseBody = z.input<typeof UpdateCourseBody>;

export const EnrolBody = z.object({ userIds: z.array(z.uuid()).min(1).max(1000) });
export type EnrolBody = z.input<typeof EnrolBody>;
export const EnrolResult = z.object({ enrolled: z.number().int() });
export type EnrolResult = z.infer<typeof EnrolResult>;

export const EnrolParams = z.object({ id: z.uuid(), userId: z.uuid() });
