import type { SetupBody, SetupResult, SetupStatus } from '@lectern/server/contract/setup';
import { api } from '../api.js';

export const setupStatus = () => api.get<SetupStatus>('/api/setup', { anonymous: true, noRefresh: true });
export const completeSetup = (body: SetupBody) => api.post<SetupResult>('/api/setup', body, { anonymous: true, noRefresh: true });
