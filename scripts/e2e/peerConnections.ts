// What the browser suites learn about a page's RTCPeerConnections (mediasoup-client makes one
// per transport): when ICE started and the connection came up, which candidate pair carries
// the media, which ICE candidates the SFU offered and which ICE servers the page was given.
import type { Page } from 'playwright-core';

export interface PeerConnectionReport {
  /** ms from ICE 'checking' to connectionState 'connected' (ICE and DTLS), null if not connected. */
  connectMs: number | null;
  connectionState: RTCPeerConnectionState;
  /** Protocols of the selected candidate pair's local and remote candidates. */
  selected: { local: string; remote: string; remotePort: number } | null;
  /** The SFU's candidates from the remote description: protocol and priority. */
  offered: { protocol: string; priority: number; tcpType: string | null }[];
  iceServers: RTCIceServer[];
}

interface Tracked {
  pc: RTCPeerConnection;
  iceServers: RTCIceServer[];
  checkingAt?: number;
  connectedAt?: number;
}

/** Arms the page (before it navigates) to keep every RTCPeerConnection it makes and time its connection. */
export async function trackPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const tracked: Tracked[] = [];
    (window as unknown as { __pcs: Tracked[] }).__pcs = tracked;
    class TrackedPeerConnection extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        const entry: Tracked = { pc: this, iceServers: config?.iceServers ?? [] };
        tracked.push(entry);
        this.addEventListener('iceconnectionstatechange', () => {
          if (this.iceConnectionState === 'checking') entry.checkingAt ??= performance.now();
        });
        this.addEventListener('connectionstatechange', () => {
          if (this.connectionState === 'connected') entry.connectedAt ??= performance.now();
        });
      }
    }
    window.RTCPeerConnection = TrackedPeerConnection;
  });
}

/** One report per peer connection of the page that has a remote description (a negotiated transport). */
export async function peerConnectionReports(page: Page): Promise<PeerConnectionReport[]> {
  return page.evaluate(async () => {
    const tracked = (window as unknown as { __pcs?: Tracked[] }).__pcs ?? [];
    const reports: PeerConnectionReport[] = [];
    for (const t of tracked) {
      const sdp = t.pc.remoteDescription?.sdp;
      if (!sdp) continue;
      const offered = sdp
        .split(/\r?\n/)
        .filter((l) => l.startsWith('a=candidate:'))
        .map((l) => {
          const f = l.slice('a=candidate:'.length).split(' ');
          const at = f.indexOf('tcptype');
          return { protocol: (f[2] ?? '').toLowerCase(), priority: Number(f[3]), tcpType: at >= 0 ? (f[at + 1] ?? null) : null };
        });
      const stats = await t.pc.getStats();
      let selected: PeerConnectionReport['selected'] = null;
      stats.forEach((s: RTCStats) => {
        if (s.type !== 'transport') return;
        const pairId = (s as RTCTransportStats).selectedCandidatePairId;
        const pair = pairId ? (stats.get(pairId) as RTCIceCandidatePairStats | undefined) : undefined;
        if (!pair) return;
        const local = stats.get(pair.localCandidateId) as { protocol?: string } | undefined;
        const remote = stats.get(pair.remoteCandidateId) as { protocol?: string; port?: number } | undefined;
        selected = { local: local?.protocol ?? '?', remote: remote?.protocol ?? '?', remotePort: remote?.port ?? 0 };
      });
      const connectMs = t.checkingAt !== undefined && t.connectedAt !== undefined ? Math.round(t.connectedAt - t.checkingAt) : null;
      reports.push({ connectMs, connectionState: t.pc.connectionState, selected, offered, iceServers: t.iceServers });
    }
    return reports;
  });
}
