// The join page's camera and microphone preview: opens both, lists devices, switches
// devices and toggles each on or off. The stream can be handed to the room on join.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { CAMERA_CONSTRAINTS, MIC_CONSTRAINTS, listDevices, mediaErrorMessage, mediaSupported, openMedia, stopStream } from './devices.js';

export interface PreviewState {
  stream: MediaStream | null;
  cameras: MediaDeviceInfo[];
  mics: MediaDeviceInfo[];
  cameraId: string;
  micId: string;
  cameraOn: boolean;
  micOn: boolean;
  /** Still asking for permission. */
  starting: boolean;
  problems: string[];
  denied: boolean;
}

export interface Preview extends PreviewState {
  setCameraOn(on: boolean): Promise<void>;
  setMicOn(on: boolean): Promise<void>;
  chooseCamera(deviceId: string): Promise<void>;
  chooseMic(deviceId: string): Promise<void>;
  /** Give the live stream away (to the room): it is no longer stopped on unmount. */
  release(): MediaStream | null;
}

const INITIAL: PreviewState = {
  stream: null,
  cameras: [],
  mics: [],
  cameraId: '',
  micId: '',
  cameraOn: true,
  micOn: true,
  starting: true,
  problems: [],
  denied: false,
};

const deviceIdOf = (t: MediaStreamTrack | undefined) => t?.getSettings().deviceId ?? '';

export function usePreviewMedia(): Preview {
  const [state, setState] = useState<PreviewState>(INITIAL);
  const streamRef = useRef<MediaStream | null>(null);
  const released = useRef(false);

  const publish = useCallback((patch: Partial<PreviewState>) => setState((s) => ({ ...s, ...patch })), []);

  const refreshDevices = useCallback(async () => {
    try {
      const { cameras, mics } = await listDevices();
      publish({ cameras, mics });
    } catch {
      // Listing is optional.
    }
  }, [publish]);

  /** Swap the track of one kind in the preview stream (a new MediaStream so <video> notices). */
  const replaceKind = useCallback(
    (kind: 'audio' | 'video', track: MediaStreamTrack | null) => {
      const old = streamRef.current;
      const keep = old?.getTracks().filter((t) => t.kind !== kind) ?? [];
      old?.getTracks()
        .filter((t) => t.kind === kind && t !== track)
        .forEach((t) => t.stop());
      const tracks = track ? [...keep, track] : keep;
      const next = tracks.length ? new MediaStream(tracks) : null;
      streamRef.current = next;
      publish({ stream: next });
    },
    [publish],
  );

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      if (!mediaSupported()) {
        publish({
          starting: false,
          cameraOn: false,
          micOn: false,
          problems: ['This browser cannot use a camera or microphone here (a secure https connection is required). You can still join.'],
        });
        return;
      }
      const res = await openMedia({ audio: true, video: true });
      if (cancelled) {
        stopStream(res.stream);
        return;
      }
      streamRef.current = res.stream;
      const video = res.stream?.getVideoTracks()[0];
      const audio = res.stream?.getAudioTracks()[0];
      publish({
        stream: res.stream,
        starting: false,
        problems: res.problems,
        denied: res.denied,
        cameraOn: Boolean(video),
        micOn: Boolean(audio),
        cameraId: deviceIdOf(video),
        micId: deviceIdOf(audio),
      });
      await refreshDevices();
    })();
    const onChange = () => void refreshDevices();
    navigator.mediaDevices?.addEventListener?.('devicechange', onChange);
    return () => {
      cancelled = true;
      navigator.mediaDevices?.removeEventListener?.('devicechange', onChange);
      if (!released.current) stopStream(streamRef.current);
    };
  }, [publish, refreshDevices]);

  const openKind = useCallback(
    async (kind: 'audio' | 'video', deviceId: string): Promise<boolean> => {
      const base = kind === 'audio' ? MIC_CONSTRAINTS : CAMERA_CONSTRAINTS;
      const constraints = deviceId ? { ...base, deviceId: { exact: deviceId } } : base;
      // Release the old device first: some cameras cannot be opened twice.
      if (kind === 'video') replaceKind('video', null);
      try {
        const s = await navigator.mediaDevices.getUserMedia(kind === 'audio' ? { audio: constraints } : { video: constraints });
        const track = kind === 'audio' ? s.getAudioTracks()[0] : s.getVideoTracks()[0];
        if (!track) return false;
        replaceKind(kind, track);
        publish({
          problems: [],
          denied: false,
          ...(kind === 'audio' ? { micId: deviceIdOf(track), micOn: true } : { cameraId: deviceIdOf(track), cameraOn: true }),
        });
        await refreshDevices();
        return true;
      } catch (err) {
        const name = err instanceof DOMException ? err.name : '';
        publish({
          problems: [mediaErrorMessage(err, kind === 'audio' ? 'microphone' : 'camera')],
          denied: name === 'NotAllowedError',
          ...(kind === 'audio' ? { micOn: false } : { cameraOn: false }),
        });
        return false;
      }
    },
    [publish, refreshDevices, replaceKind],
  );

  const setCameraOn = useCallback(
    async (on: boolean) => {
      if (!on) {
        replaceKind('video', null); // Stops the camera (its light goes off).
        publish({ cameraOn: false });
        return;
      }
      await openKind('video', state.cameraId);
    },
    [openKind, publish, replaceKind, state.cameraId],
  );

  const setMicOn = useCallback(
    async (on: boolean) => {
      const track = streamRef.current?.getAudioTracks()[0];
      if (track && track.readyState === 'live') {
        track.enabled = on;
        publish({ micOn: on });
        return;
      }
      if (on) await openKind('audio', state.micId);
      else publish({ micOn: false });
    },
    [openKind, publish, state.micId],
  );

  const chooseCamera = useCallback(
    async (deviceId: string) => {
      publish({ cameraId: deviceId });
      if (state.cameraOn) await openKind('video', deviceId);
    },
    [openKind, publish, state.cameraOn],
  );

  const chooseMic = useCallback(
    async (deviceId: string) => {
      publish({ micId: deviceId });
      const wasOn = state.micOn;
      if (await openKind('audio', deviceId)) {
        const track = streamRef.current?.getAudioTracks()[0];
        if (track) track.enabled = wasOn;
        publish({ micOn: wasOn });
      }
    },
    [openKind, publish, state.micOn],
  );

  const release = useCallback(() => {
    released.current = true;
    return streamRef.current;
  }, []);

  return { ...state, setCameraOn, setMicOn, chooseCamera, chooseMic, release };
}
