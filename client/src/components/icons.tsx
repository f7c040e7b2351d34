// Small inline icons (24x24, currentColor). Always decorative: buttons carry text names.

type IconName = 'mic' | 'micOff' | 'camera' | 'cameraOff' | 'screen' | 'leave' | 'people' | 'lock' | 'unlock' | 'link' | 'end' | 'sound' | 'record' | 'more';

// One icon is a list of shapes: a string is a path's `d`; rect is [x, y, width, height, rx];
// circle is [cx, cy, r], filled with the text colour where `filled` is set.
type Shape = string | { rect: [number, number, number, number, number] } | { circle: [number, number, number]; filled?: true };

const SHAPES: Record<IconName, Shape[]> = {
  mic: [{ rect: [9, 3, 6, 11, 3] }, 'M5 11a7 7 0 0 0 14 0M12 18v3M8 21h8'],
  micOff: [
    'M15 10V6a3 3 0 0 0-5.7-1.3M9 9v2a3 3 0 0 0 4.6 2.5',
    'M5 11a7 7 0 0 0 11.5 5.4M19 11a7 7 0 0 1-.4 2.3M12 18v3M8 21h8M3 3l18 18',
  ],
  camera: [{ rect: [2.5, 6, 13, 12, 2] }, 'M15.5 10.5 21 7v10l-5.5-3.5z'],
  cameraOff: [
    'M10 6h3.5a2 2 0 0 1 2 2v3.5M15.5 15.5V16a2 2 0 0 1-2 2h-9a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h.5',
    'M15.5 10.5 21 7v10l-3-1.9M3 3l18 18',
  ],
  screen: [{ rect: [2.5, 4, 19, 13, 2] }, 'M8 21h8M12 17v4M12 13V8M9.5 10.5 12 8l2.5 2.5'],
  leave: ['M14 4h4a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-4M9 16l-4-4 4-4M5 12h11'],
  end: ['M3 15.5c5-4.5 13-4.5 18 0l-2.5 2.5-3-1.5v-2.5a11 11 0 0 0-7 0v2.5l-3 1.5z'],
  people: [{ circle: [9, 8, 3.5] }, 'M2.5 20a6.5 6.5 0 0 1 13 0M16 4.5a3.5 3.5 0 0 1 0 7M18 14.5a6.5 6.5 0 0 1 3.5 5.5'],
  lock: [{ rect: [4.5, 10.5, 15, 10, 2] }, 'M8 10.5V7a4 4 0 0 1 8 0v3.5'],
  unlock: [{ rect: [4.5, 10.5, 15, 10, 2] }, 'M8 10.5V7a4 4 0 0 1 7.7-1.5'],
  link: ['M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1'],
  sound: ['M4 9v6h4l5 4V5L8 9zM16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12'],
  record: [{ circle: [12, 12, 8.5] }, { circle: [12, 12, 4], filled: true }],
  more: [{ circle: [5, 12, 1.6], filled: true }, { circle: [12, 12, 1.6], filled: true }, { circle: [19, 12, 1.6], filled: true }],
};

function ShapeElement({ shape }: { shape: Shape }) {
  if (typeof shape === 'string') return <path d={shape} />;
  if ('rect' in shape) {
    const [x, y, width, height, rx] = shape.rect;
    return <rect x={x} y={y} width={width} height={height} rx={rx} />;
  }
  const [cx, cy, r] = shape.circle;
  return <circle cx={cx} cy={cy} r={r} fill={shape.filled ? 'currentColor' : undefined} />;
}

export function Icon({ name, size = 20 }: { name: IconName; size?: number }) {
  return (
    <svg
      class="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {SHAPES[name].map((shape, i) => <ShapeElement key={i} shape={shape} />)}
    </svg>
  );
}
