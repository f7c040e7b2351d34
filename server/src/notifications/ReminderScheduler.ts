// Runs the reminder scan every minute with node-cron (and once on start-up). Tests call
// tick() directly with a ManualClock instead of waiting for cron.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.js';
import { scanReminders, type ReminderDeps, type ScanResult } from './reminders.js';

export class ReminderScheduler {
  readonly #deps: ReminderDeps;
  readonly #log: Logger;
  #task: ScheduledTask | undefined;
  #inFlight: Promise<ScanResult> | undefined;
  #closed = false;
  #lastScanAt: Date | undefined;

  private constructor(deps: ReminderDeps, logger: Logger) {
    this.#deps = deps;
    this.#log = logger.child({ component: 'reminders' });
  }

  static create(deps: ReminderDeps & { logger: Logger }): Promise<ReminderScheduler> {
    const { logger, ...rest } = deps;
    return Promise.resolve(new ReminderScheduler(rest, logger));
  }

  /** When the last scan finished without error (undefined before the first): its age is the reminder lag bound. */
  get lastScanAt(): Date | undefined {
    return this.#lastScanAt;
  }

  /** One scan; overlapping calls share the scan in flight. */
  tick(): Promise<ScanResult> {
    this.#inFlight ??= scanReminders(this.#deps)
      .then((r) => {
        this.#lastScanAt = this.#deps.clock.now();
        return r;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  #safeTick(): Promise<void> {
    return this.tick().then(
      (r) => {
        if (r.enqueued + r.skipped > 0) this.#log.info(r, 'reminders handled');
      },
      (err: unknown) => this.#log.error({ err }, 'reminder scan failed'),
    );
  }

  /** Every minute, plus once now (catches up after downtime). */
  start(): void {
    if (this.#closed || this.#task) return;
    this.#task = cron.schedule('* * * * *', () => this.#safeTick(), { name: 'lectern-reminders', noOverlap: true });
    void this.#safeTick();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#task?.destroy();
    await this.#inFlight?.catch(() => undefined);
  }
}
