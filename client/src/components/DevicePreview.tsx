import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { formatDateTime } from '../time.js';
import type { Preview } from '../media/usePreviewMedia.js';
import { Alert } from './Alert.js';
import { Icon } from './icons.js';
import { MicLevel } from './MicLevel.js';

const deviceLabel = (d: MediaDeviceInfo, i: number, kind: string) => d.label || `${kind} ${i + 1}`;

/** Camera and microphone preview with device selects and on/off toggles. */
export function DevicePreview({ preview }: { preview: Preview }) {
  const video = useRef<HTMLVideoElement>(null);
  const { stream, cameraOn, micOn, cameras, mics, cameraId, micId, starting, problems } = preview;
  const videoTrack = stream?.getVideoTracks()[0] ?? null;
  const audioTrack = stream?.getAudioTracks()[0] ?? null;

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    el.srcObject = videoTrack ? new MediaStream([videoTrack]) : null;
  }, [videoTrack]);

  return (
    <section class="preview" aria-labelledby="preview-heading">
      <h2 id="preview-heading" class="visually-hidden">
        Camera and microphone preview
      </h2>
      <div class="preview-stage">
        <video ref={video} class="mirror" muted autoplay playsInline aria-label="Your camera preview" />
        {(!videoTrack || !cameraOn) && (
          <div class="preview-empty" aria-hidden="true">
            {starting ? 'Starting camera…' : 'Camera is off'}
          </div>
        )}
      </div>
      <div class="preview-controls">
        <button type="button" class="toggle" aria-pressed={micOn} onClick={() => void preview.setMicOn(!micOn)} disabled={starting}>
          <Icon name={micOn ? 'mic' : 'micOff'} />
          <span>Microphone</span>
        </button>
        <button type="button" class="toggle" aria-pressed={cameraOn} onClick={() => void preview.setCameraOn(!cameraOn)} disabled={starting}>
          <Icon name={cameraOn ? 'camera' : 'cameraOff'} />
          <span>Camera</span>
        </button>
        {micOn && audioTrack && <MicLevel track={audioTrack} />}
      </div>
      <div class="field-row">
        <DevicePicker id="cam-select" kind="Camera" devices={cameras} value={cameraId} onChoose={(id) => void preview.chooseCamera(id)} />
        <DevicePicker id="mic-select" kind="Microphone" devices={mics} value={micId} onChoose={(id) => void preview.chooseMic(id)} />
      </div>
      {problems.map((p) => (
        <Alert key={p} tone="warn">
          {p}
        </Alert>
      ))}
    </section>
  );
}

/** A device select; disabled, with a "No … available" choice, when there is none. */
function DevicePicker({ id, kind, devices, value, onChoose }: { id: string; kind: 'Camera' | 'Microphone'; devices: MediaDeviceInfo[]; value: string; onChoose: (deviceId: string) => void }) {
  return (
    <div class="field">
      <label for={id}>{`${kind} device`}</label>
      <select id={id} value={value} disabled={devices.length === 0} onChange={(e) => onChoose(e.currentTarget.value)}>
        {devices.length === 0 && <option value="">{`No ${kind.toLowerCase()} available`}</option>}
        {devices.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {deviceLabel(d, i, kind)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** One sentence on what the room gets: "You will join with your microphone and camera on." */
export function JoinMediaHint({ preview }: { preview: Pick<Preview, 'micOn' | 'cameraOn'> }) {
  const on = [preview.micOn && 'microphone', preview.cameraOn && 'camera'].filter(Boolean).join(' and ');
  return <>{on ? `You will join with your ${on} on.` : 'You will join with your camera and microphone off. You can turn them on in the room.'}</>;
}

/** The head of the join and device-check pages: title, host, what to do, and a notice while the host has not started. */
export function JoinHeading(props: {
  title: string;
  hostName?: string | null;
  children: ComponentChildren;
  /** Set while the session is scheduled and the viewer must wait for its host. */
  waitsUntil?: string | null;
}) {
  return (
    <div class="page-head">
      <h1>{props.title}</h1>
      <p class="muted">
        {props.hostName ? (
          <>
            Hosted by <strong>{props.hostName}</strong> ·{' '}
          </>
        ) : null}
        {props.children}
      </p>
      {props.waitsUntil && (
        <p class="join-waiting" role="status">
          The host has not started yet (planned for {formatDateTime(props.waitsUntil)}). You can join now and wait for the host to start.
        </p>
      )}
    </div>
  );
}
