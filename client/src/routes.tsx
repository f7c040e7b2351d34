// Every page of the app, one line each. `nav` puts a link in the header for the given roles.
import type { ComponentType } from 'preact';
import { HomePage } from './pages/HomePage.js';
import { JoinPage } from './pages/JoinPage.js';
import { lazyPage } from './lazyPage.js';
import { LoginPage } from './pages/LoginPage.js';
import type { Params } from './router.js';
import type { UserRole } from './types.js';

export interface RouteDef {
  path: string;
  title: string;
  component: ComponentType<{ params: Params }>;
  /** 'public': anyone; 'auth': any signed-in user; a role list: only those roles. */
  access: 'public' | 'auth' | readonly UserRole[];
  /** 'app': header + content column; 'bare': the page draws everything (sign-in, room). */
  layout: 'app' | 'bare';
  nav?: { label: string; roles?: readonly UserRole[] };
}

export const ROUTES: readonly RouteDef[] = [
  { path: '/', title: 'Home', component: HomePage, access: 'auth', layout: 'app', nav: { label: 'Home' } },
  { path: '/login', title: 'Sign in', component: LoginPage, access: 'public', layout: 'bare' },
  { path: '/j/:code', title: 'Join', component: JoinPage, access: 'public', layout: 'app' },
  { path: '/room/:sessionId/check', title: 'Check your camera and microphone', component: lazyPage(() => import('./pages/DeviceCheckPage.js').then((m) => m.DeviceCheckPage)), access: 'auth', layout: 'app' },
  { path: '/room/:sessionId', title: 'Room', component: lazyPage(() => import('./pages/RoomPage.js').then((m) => m.RoomPage)), access: 'public', layout: 'bare' },
  { path: '/attendance', title: 'Attendance', component: lazyPage(() => import('./pages/attendance/AttendanceHome.js').then((m) => m.AttendanceHome)), access: 'auth', layout: 'app', nav: { label: 'Attendance' } },
  { path: '/sessions/:id/attendance', title: 'Session attendance', component: lazyPage(() => import('./pages/attendance/SessionReportPage.js').then((m) => m.SessionReportPage)), access: 'auth', layout: 'app' },
  { path: '/courses/:id/attendance', title: 'Course attendance', component: lazyPage(() => import('./pages/attendance/CourseReportPage.js').then((m) => m.CourseReportPage)), access: ['admin', 'teacher', 'mentor'], layout: 'app' },
  { path: '/students/:id/attendance', title: 'Student attendance', component: lazyPage(() => import('./pages/attendance/StudentReportPage.js').then((m) => m.StudentReportPage)), access: 'auth', layout: 'app' },
  { path: '/admin/overview', title: 'Overview', component: lazyPage(() => import('./pages/attendance/OverviewPage.js').then((m) => m.OverviewPage)), access: ['admin'], layout: 'app', nav: { label: 'Overview', roles: ['admin'] } },
  { path: '/settings/notifications', title: 'Notification settings', component: lazyPage(() => import('./notifications/NotificationSettingsPage.js').then((m) => m.NotificationSettingsPage)), access: 'auth', layout: 'app' },
  { path: '/schedule', title: 'Schedule', component: lazyPage(() => import('./pages/schedule/SchedulePage.js').then((m) => m.SchedulePage)), access: ['admin', 'teacher', 'mentor'], layout: 'app', nav: { label: 'Schedule', roles: ['admin', 'teacher', 'mentor'] } },
  { path: '/schedule/new', title: 'Schedule a session', component: lazyPage(() => import('./pages/schedule/ScheduleSessionPage.js').then((m) => m.ScheduleSessionPage)), access: ['admin', 'teacher', 'mentor'], layout: 'app' },
  { path: '/sessions/:id', title: 'Session', component: lazyPage(() => import('./pages/schedule/SessionPage.js').then((m) => m.SessionPage)), access: 'auth', layout: 'app' },
  { path: '/my-sessions', title: 'My sessions', component: lazyPage(() => import('./pages/schedule/MySessionsPage.js').then((m) => m.MySessionsPage)), access: ['student'], layout: 'app', nav: { label: 'My sessions', roles: ['student'] } },
  { path: '/admin/sessions', title: 'All sessions', component: lazyPage(() => import('./pages/schedule/AdminSessionsPage.js').then((m) => m.AdminSessionsPage)), access: ['admin'], layout: 'app', nav: { label: 'All sessions', roles: ['admin'] } },
  { path: '/setup/:token', title: 'Set up Lectern', component: lazyPage(() => import('./setup/SetupPage.js').then((m) => m.SetupPage)), access: 'public', layout: 'bare' },
  { path: '/forgot', title: 'Reset your password', component: lazyPage(() => import('./account/ForgotPasswordPage.js').then((m) => m.ForgotPasswordPage)), access: 'public', layout: 'bare' },
  { path: '/reset/:token', title: 'Choose a new password', component: lazyPage(() => import('./account/ResetPasswordPage.js').then((m) => m.ResetPasswordPage)), access: 'public', layout: 'bare' },
  { path: '/account', title: 'Your account', component: lazyPage(() => import('./account/ProfilePage.js').then((m) => m.ProfilePage)), access: 'auth', layout: 'app' },
  { path: '/admin/users', title: 'Users', component: lazyPage(() => import('./admin/UsersPage.js').then((m) => m.UsersPage)), access: ['admin'], layout: 'app', nav: { label: 'Users', roles: ['admin'] } },
  { path: '/admin/courses', title: 'Courses', component: lazyPage(() => import('./admin/CoursesPage.js').then((m) => m.CoursesPage)), access: ['admin'], layout: 'app', nav: { label: 'Courses', roles: ['admin'] } },
  { path: '/admin/courses/:id', title: 'Course students', component: lazyPage(() => import('./admin/CourseStudentsPage.js').then((m) => m.CourseStudentsPage)), access: ['admin'], layout: 'app' },
  { path: '/admin/outbox', title: 'Notification outbox', component: lazyPage(() => import('./admin/OutboxPage.js').then((m) => m.OutboxPage)), access: ['admin'], layout: 'app' },
  { path: '/live-sessions', title: 'Live sessions', component: lazyPage(() => import('./bookings/DashboardPage.js').then((m) => m.DashboardPage)), access: ['admin', 'teacher', 'mentor'], layout: 'app', nav: { label: 'Live sessions', roles: ['admin', 'teacher', 'mentor'] } },
  { path: '/availability', title: 'Availability', component: lazyPage(() => import('./bookings/AvailabilityPage.js').then((m) => m.AvailabilityPage)), access: ['admin', 'teacher', 'mentor'], layout: 'app' },
  { path: '/meetings', title: 'Meetings', component: lazyPage(() => import('./bookings/MeetingsPage.js').then((m) => m.MeetingsPage)), access: 'auth', layout: 'app', nav: { label: 'Meetings' } },
  { path: '/book/:handle', title: 'Book a meeting', component: lazyPage(() => import('./bookings/BookPage.js').then((m) => m.BookPage)), access: 'public', layout: 'app' },
  { path: '/bookings/manage/:token', title: 'Your booking', component: lazyPage(() => import('./bookings/ManageBookingPage.js').then((m) => m.ManageBookingPage)), access: 'public', layout: 'app' },
  { path: '/chat', title: 'Chat', component: lazyPage(() => import('./chat/ChatPage.js').then((m) => m.ChatPage)), access: 'auth', layout: 'app', nav: { label: 'Chat' } },
  { path: '/chat/:id', title: 'Chat', component: lazyPage(() => import('./chat/ChatPage.js').then((m) => m.ChatPage)), access: 'auth', layout: 'app' },
  // Add pages here, e.g.:
  // { path: '/calendar', title: 'Calendar', component: CalendarPage, access: 'auth', layout: 'app', nav: { label: 'Calendar' } },
];
