// What the join page may learn about a code before anyone types a name.
import { z } from 'zod';

export const CodeParams = z.object({ code: z.string().trim().min(1).max(32) });

export const CodePreview = z.object({
  sessionId: z.uuid(),
  title: z.string(),
  hostName: z.string(),
  status: z.enum(['scheduled', 'live']),
  scheduledAt: z.string(),
  durationMinutes: z.number().int(),
  timezone: z.string(),
});
export type CodePreview = z.infer<typeof CodePreview>;
