// Which media controls the call bar offers: everything, except to a webinar viewer, who
// gets a "Viewer" badge instead of Microphone, Camera and Share screen.
import type { RoomSnapshot } from './roomTypes.js';

export interface PublishControls {
  mic: boolean;
  camera: boolean;
  screen: boolean;
  viewerBadge: boolean;
}

export function publishControls(snap: Pick<RoomSnapshot, 'canPublish' | 'local'>): PublishControls {
  const can = snap.canPublish;
  return { mic: can, camera: can, screen: can && snap.local.canShareScreen, viewerBadge: !can };
}
