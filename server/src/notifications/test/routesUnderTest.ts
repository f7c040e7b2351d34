// Route modules the notification suites mount (sessions are driven through services).
import type { RouteModule } from '../../app.js';
import { notificationRoutes } from '../routes.js';

export const routesUnderTest: RouteModule[] = [notificationRoutes];
