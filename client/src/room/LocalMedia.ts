// This browser's own tracks: microphone, camera and screen, and whether each is on.
// Tracks outlive media sessions so a rebuild can republish them.
import type { MediaSource } from '@lectern/server/protocol';
import { CAMERA_CONSTRAINTS, MIC_CONSTRAINTS, mediaErrorMessage, openMedia } from '../media/devices.js';
import type { MediaPrefs } from '../roomPass.js';

const live = (t: MediaStreamTrack | null): t is MediaStreamTrack => t !== null && t.readyState === 'live';

export class LocalMedia {
  #mic: MediaStreamTrack | null = null;
  #camera: MediaStreamTrack | null = null;
  #screen: MediaStreamTrack | null = null;
  micOn = false;
  cameraOn = false;
  readonly #prefs: MediaPrefs;
  readonly #onEnded: (source: MediaSource) => void;

  constructor(prefs: MediaPrefs, onEnded: (source: MediaSource) => void) {
    this.#prefs = prefs;
    this.#onEnded = onEnded;
  }

  get screenOn(): boolean {
    return live(this.#screen);
  }

  /** Live track for a source, or null. */
  track(source: MediaSource): MediaStreamTrack | null {
    const t = source === 'mic' ? this.#mic : source === 'webcam' ? this.#camera : this.#screen;
    return live(t) ? t : null;
  }

  isOn(source: MediaSource): boolean {
    if (source === 'mic') return this.micOn && live(this.#mic);
    if (source === 'webcam') return this.cameraOn && live(this.#camera);
    return this.screenOn;
  }

  /** Takes the join page's preview stream, or opens what the prefs ask for. Returns problems to show. */
  async init(handoff: MediaStream | null): Promise<string[]> {
    let stream = handoff;
    let problems: string[] = [];
    const wantMic = this.#prefs.mic;
    const wantCamera = this.#prefs.camera;
    if (!stream || stream.getTracks().every((t) => t.readyState !== 'live')) {
      const res = await openMedia({
        audio: wantMic,
        video: wantCamera,
        audioDeviceId: this.#prefs.micDeviceId,
        videoDeviceId: this.#prefs.cameraDeviceId,
      });
      stream = res.stream;
      problems = res.problems;
    }
    const audio = stream?.getAudioTracks().find((t) => t.readyState === 'live') ?? null;
    const video = stream?.getVideoTracks().find((t) => t.readyState === 'live') ?? null;
    if (audio) {
      if (wantMic) this.#setMic(audio);
      else audio.stop();
    }
    if (video) {
      if (wantCamera) this.#setCamera(video);
      else video.stop();
    }
    this.micOn = Boolean(this.#mic);
    this.cameraOn = Boolean(this.#camera);
    if (this.#mic) this.#mic.enabled = true;
    return problems;
  }

  #watch(track: MediaStreamTrack, source: MediaSource): void {
    track.addEventListener('ended', () => {
      if (this.track(source) === null) this.#onEnded(source);
    });
  }

  #setMic(track: MediaStreamTrack): void {
    this.#mic = track;
    this.#watch(track, 'mic');
  }

  #setCamera(track: MediaStreamTrack): void {
    this.#camera = track;
    this.#watch(track, 'webcam');
  }

  /** The live microphone track, opening it if needed. Throws an Error with a user-facing message. */
  async ensureMic(): Promise<MediaStreamTrack> {
    if (live(this.#mic)) return this.#mic;
    const track = await openDevice('audio', MIC_CONSTRAINTS, this.#prefs.micDeviceId, 'microphone');
    this.#setMic(track);
    return track;
  }

  async openCamera(): Promise<MediaStreamTrack> {
    if (live(this.#camera)) return this.#camera;
    const track = await openDevice('video', CAMERA_CONSTRAINTS, this.#prefs.cameraDeviceId, 'camera');
    this.#setCamera(track);
    return track;
  }

  async openScreen(): Promise<MediaStreamTrack> {
    if (live(this.#screen)) return this.#screen;
    if (!navigator.mediaDevices?.getDisplayMedia) throw new Error('This browser cannot share a screen.');
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: false });
      const track = stream.getVideoTracks()[0];
      if (!track) throw new Error('No screen was chosen.');
      if ('contentHint' in track) track.contentHint = 'detail';
      this.#screen = track;
      this.#watch(track, 'screen');
      return track;
    } catch (err) {
      if (err instanceof DOMException && err.name === 'NotAllowedError') throw new Error('Screen sharing was cancelled or blocked.', { cause: err });
      throw err instanceof Error ? err : new Error('Screen sharing failed.');
    }
  }

  stop(source: MediaSource): void {
    if (source === 'mic') {
      this.#mic?.stop();
      this.#mic = null;
      this.micOn = false;
    } else if (source === 'webcam') {
      this.#camera?.stop();
      this.#camera = null;
      this.cameraOn = false;
    } else {
      this.#screen?.stop();
      this.#screen = null;
    }
  }

  stopAll(): void {
    this.stop('mic');
    this.stop('webcam');
    this.stop('screen');
  }
}

/** One track of `kind`, on the preferred device when there is one. Throws an Error with a user-facing message. */
async function openDevice(kind: 'audio' | 'video', base: MediaTrackConstraints, deviceId: string | undefined, what: 'microphone' | 'camera'): Promise<MediaStreamTrack> {
  const constraints = deviceId ? { ...base, deviceId: { ideal: deviceId } } : base;
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ [kind]: constraints });
    const track = (kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks())[0];
    if (!track) throw new DOMException(`no ${kind} track`, 'NotFoundError');
    return track;
  } catch (err) {
    throw new Error(mediaErrorMessage(err, what), { cause: err });
  }
}
