// The one list of HTTP route modules. A feature adds its module here and nowhere else.
// Every module receives the process context and the long-lived services it may call
// (built once per API process in lectern.ts, or by a test); none reaches for globals.
import type { FastifyPluginAsync } from 'fastify';
import { attendanceRoutes } from './attendance/routes.js';
import { authRoutes } from './auth/authRoutes.js';
import { bookingRoutes } from './bookings/routes.js';
import { callRoutes } from './calls/routes.js';
import { chatRoutes } from './chat/routes.js';
import type { AppContext } from './context.js';
import { courseRoutes } from './courses/courseRoutes.js';
import { healthRoutes } from './http/healthRoutes.js';
import { notificationRoutes } from './notifications/routes.js';
import type { Recorder } from './recording/Recorder.js';
import type { SfuClient } from './sfu/SfuClient.js';
import { recordingRoutes } from './recording/recordingRoutes.js';
import { codeRoutes } from './rooms/codeRoutes.js';
import { calendarRoutes } from './scheduling/calendarRoutes.js';
import { materialRoutes } from './scheduling/materialRoutes.js';
import { scheduleRoutes } from './scheduling/scheduleRoutes.js';
import { sessionRoutes } from './sessions/sessionRoutes.js';
import { setupRoutes } from './setup/routes.js';
import { accountRoutes } from './account/routes.js';
import { adminRoutes } from './admin/routes.js';
import { codePreviewRoutes } from './rooms/previewRoutes.js';
import { rsvpRoutes } from './rsvp/routes.js';
import { userRoutes } from './users/userRoutes.js';

/** Long-lived services of an API process that routes call (absent where a role lacks them). */
export interface ApiServices {
  readonly recorder?: Recorder;
  /** The SFU nodes, through the bus (admin room layout). */
  readonly sfu?: SfuClient;
}

export interface RouteDeps {
  readonly ctx: AppContext;
  readonly services: ApiServices;
}

export type RouteModule = FastifyPluginAsync<RouteDeps>;

export const API_ROUTES: readonly RouteModule[] = [
  healthRoutes,
  authRoutes,
  userRoutes,
  courseRoutes,
  sessionRoutes,
  scheduleRoutes,
  calendarRoutes,
  materialRoutes,
  codeRoutes,
  attendanceRoutes,
  notificationRoutes,
  recordingRoutes,
  setupRoutes,
  accountRoutes,
  adminRoutes,
  codePreviewRoutes,
  rsvpRoutes,
  bookingRoutes,
  chatRoutes,
  callRoutes,
];
