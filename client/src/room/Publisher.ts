// What this browser sends: its own tracks (LocalMedia) and the controls over them
// (microphone, camera, screen), publishing them into the current media session after
// every (re)join, and the host's mute. One change per source at a time.
import { MEDIA_SOURCES, type MediaSource } from '@lectern/server/protocol';
import type { MediaPrefs } from '../roomPass.js';
import { LocalMedia } from './LocalMedia.js';
import type { MediaSession } from './MediaSession.js';
import type { Notice } from './roomTypes.js';

export interface PublisherDeps {
  /** The media session while joined and ready, else null (changes stay local until the next join). */
  readyMedia(): MediaSession | null;
  /** The current media session even while joining. */
  currentMedia(): MediaSession | null;
  /** The room is over for this page: ignore the controls. */
  closed(): boolean;
  /** False for a webinar viewer: nothing is sent until a host promotes them. */
  canPublish(): boolean;
  notice(text: string, tone: Notice['tone']): void;
  onChange(): void;
}

const sourceLabel = (s: MediaSource) => (s === 'mic' ? 'microphone' : s === 'webcam' ? 'camera' : 'screen share');

export class Publisher {
  readonly local: LocalMedia;
  readonly #deps: PublisherDeps;
  readonly #busy = new Set<MediaSource>();
  #ready: Promise<void> = Promise.resolve();

  constructor(prefs: MediaPrefs, deps: PublisherDeps) {
    this.#deps = deps;
    this.local = new LocalMedia(prefs, (source) => void this.#sourceEnded(source));
  }

  /** Opens the camera and microphone (or takes over the join page's preview). */
  start(handoff: MediaStream | null): void {
    this.#ready = this.local
      .init(handoff)
      .then((problems) => {
        for (const p of problems) this.#deps.notice(p, 'warn');
      })
      .catch((err: unknown) => {
        this.#deps.notice(err instanceof Error ? err.message : 'Could not open your camera or microphone.', 'warn');
      })
      .finally(() => this.#deps.onChange());
  }

  /** Settles once local media is open (or failed to open). */
  ready(): Promise<void> {
    return this.#ready;
  }

  async toggleMic(): Promise<void> {
    const { local } = this;
    await this.#exclusive('mic', async () => {
      if (!this.#deps.canPublish()) return;
      const media = this.#deps.readyMedia();
      if (local.isOn('mic')) {
        local.micOn = false;
        const track = local.track('mic');
        if (track) track.enabled = false;
        this.#deps.onChange();
        await media?.pauseProducer('mic');
        return;
      }
      const track = await local.ensureMic();
      track.enabled = true;
      local.micOn = true;
      this.#deps.onChange();
      if (!media) return;
      if (media.producer('mic')) await media.resumeProducer('mic');
      else await media.produce('mic', track);
    });
  }

  async toggleCamera(): Promise<void> {
    await this.#toggleVideo('webcam', async () => {
      const track = await this.local.openCamera();
      this.local.cameraOn = true;
      return track;
    });
  }

  async toggleScreen(): Promise<void> {
    await this.#toggleVideo('screen', () => this.local.openScreen());
  }

  /** Camera or screen: off stops the track and closes its producer; on opens it and produces it. */
  async #toggleVideo(source: 'webcam' | 'screen', open: () => Promise<MediaStreamTrack>): Promise<void> {
    await this.#exclusive(source, async () => {
      if (!this.#deps.canPublish()) return;
      if (this.local.isOn(source)) {
        this.local.stop(source);
        this.#deps.onChange();
        await this.#deps.readyMedia()?.closeProducer(source);
        return;
      }
      const track = await open();
      this.#deps.onChange();
      await this.#deps.readyMedia()?.produce(source, track);
    });
  }

  /** Publishes every source that is on into a fresh media session (after a join or rebuild). */
  async publishAll(media: MediaSession): Promise<void> {
    if (!this.#deps.canPublish()) return;
    await Promise.all(
      MEDIA_SOURCES.map(async (source) => {
        const track = this.local.track(source);
        if (!track || !this.local.isOn(source)) return;
        if (!media.canProduce(track.kind as 'audio' | 'video')) {
          this.#deps.notice(`This browser cannot send ${sourceLabel(source)} to this room.`, 'warn');
          return;
        }
        try {
          track.enabled = true;
          await media.produce(source, track);
        } catch (err) {
          if (this.#deps.currentMedia() !== media) return;
          console.warn(`producing ${source} failed:`, err);
          this.#deps.notice(`Could not share your ${sourceLabel(source)}.`, 'warn');
        }
      }),
    );
  }

  /** The host turned one of our sources off on the server: mirror it here. */
  async mutedByHost(source: MediaSource): Promise<void> {
    const media = this.#deps.currentMedia();
    if (source === 'mic') {
      this.local.micOn = false;
      const track = this.local.track('mic');
      if (track) track.enabled = false;
      media?.pauseLocally('mic');
      this.#deps.notice('The host muted your microphone.', 'warn');
      this.#deps.onChange();
      return;
    }
    this.local.stop(source);
    this.#deps.notice(`The host turned off your ${sourceLabel(source)}.`, 'warn');
    this.#deps.onChange();
    await media?.closeProducer(source).catch(() => undefined);
  }

  stopAll(): void {
    this.local.stopAll();
  }

  /** A host made us a viewer again: the server closed our producers; stop the tracks and forget them. */
  async demoted(): Promise<void> {
    this.local.stopAll();
    this.#deps.onChange();
    const media = this.#deps.currentMedia();
    if (media) await Promise.all(MEDIA_SOURCES.map((s) => media.closeProducer(s).catch(() => undefined)));
  }

  async #exclusive(source: MediaSource, fn: () => Promise<void>): Promise<void> {
    if (this.#busy.has(source) || this.#deps.closed()) return;
    this.#busy.add(source);
    try {
      await fn();
    } catch (err) {
      this.#deps.notice(err instanceof Error ? err.message : `Could not change your ${sourceLabel(source)}.`, 'warn');
    } finally {
      this.#busy.delete(source);
      this.#deps.onChange();
    }
  }

  async #sourceEnded(source: MediaSource): Promise<void> {
    this.local.stop(source);
    this.#deps.onChange();
    if (source !== 'screen') this.#deps.notice(`Your ${sourceLabel(source)} stopped.`, 'warn');
    await this.#deps.readyMedia()?.closeProducer(source).catch(() => undefined);
  }
}
