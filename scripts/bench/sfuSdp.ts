// The in-process signaling of the benches' headless WebRTC subscribers (sfuWebrtcPeers.ts): the
// SDP offer a mediasoup WebRtcTransport (ice-lite, DTLS actpass) makes for its consumers, one
// m-section each (BUNDLEd, rtcp-mux), and the DTLS parameters read back from the subscriber's
// answer. Takes plain parameters, so a transport and consumers of mediasoup itself (sfuWebrtc.ts)
// and the answers of SfuNode's createWebRtcTransport and consume (largeRoom.ts) both fit.
import type { types } from 'mediasoup';

/** What the offer needs of the transport: mediasoup's WebRtcTransport or SfuNode's answer for one. */
export type OfferTransport = Pick<types.WebRtcTransport, 'iceParameters' | 'iceCandidates' | 'dtlsParameters'>;
/** What the offer needs of a consumer: mediasoup's Consumer or SfuNode's answer to consume. */
export interface OfferConsumer {
  id: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
}

/** The offer for `consumers` on one transport: what a browser subscriber is given. UDP candidates only (the subscribers speak no ICE-TCP). */
export function consumerOffer(transport: OfferTransport, consumers: readonly OfferConsumer[]): string {
  const { usernameFragment, password } = transport.iceParameters;
  const fingerprint = transport.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256');
  if (!fingerprint) throw new Error('mediasoup offered no sha-256 fingerprint');
  const mids = consumers.map((c, i) => c.rtpParameters.mid ?? String(i));
  const session = ['v=0', `o=- ${Date.now()} 1 IN IP4 0.0.0.0`, 's=-', 't=0 0', 'a=ice-lite', `a=group:BUNDLE ${mids.join(' ')}`, 'a=msid-semantic: WMS sfu-bench'];
  const media = consumers.flatMap((consumer, i) => {
    const rtp = consumer.rtpParameters;
    const encoding = rtp.encodings?.[0];
    const cname = rtp.rtcp?.cname ?? 'sfu-bench';
    return [
      `m=${consumer.kind} 7 UDP/TLS/RTP/SAVPF ${rtp.codecs.map((c) => c.payloadType).join(' ')}`,
      'c=IN IP4 0.0.0.0',
      `a=mid:${mids[i]!}`,
      'a=sendonly',
      'a=rtcp-mux',
      'a=rtcp-rsize',
      `a=ice-ufrag:${usernameFragment}`,
      `a=ice-pwd:${password}`,
      `a=fingerprint:${fingerprint.algorithm} ${fingerprint.value}`,
      'a=setup:actpass',
      ...transport.iceCandidates
        .filter((c) => c.protocol === 'udp')
        .map((c) => `a=candidate:${c.foundation} 1 ${c.protocol} ${c.priority} ${c.address} ${c.port} typ ${c.type}`),
      'a=end-of-candidates',
      ...rtp.codecs.flatMap((c) => {
        const [, name] = c.mimeType.split('/');
        const fmtp = Object.entries(c.parameters ?? {}).map(([k, v]) => `${k}=${String(v)}`);
        return [
          `a=rtpmap:${c.payloadType} ${name}/${c.clockRate}${c.channels && c.channels > 1 ? `/${c.channels}` : ''}`,
          ...(c.rtcpFeedback ?? []).map((fb) => `a=rtcp-fb:${c.payloadType} ${fb.type}${fb.parameter ? ` ${fb.parameter}` : ''}`),
          ...(fmtp.length ? [`a=fmtp:${c.payloadType} ${fmtp.join(';')}`] : []),
        ];
      }),
      ...(rtp.headerExtensions ?? []).map((e) => `a=extmap:${e.id} ${e.uri}`),
      `a=msid:sfu-bench ${consumer.id}`,
      ...(encoding?.ssrc && encoding.rtx ? [`a=ssrc-group:FID ${encoding.ssrc} ${encoding.rtx.ssrc}`] : []),
      ...[encoding?.ssrc, encoding?.rtx?.ssrc].filter((s) => s !== undefined).map((s) => `a=ssrc:${s} cname:${cname}`),
    ];
  });
  return [...session, ...media].join('\r\n') + '\r\n';
}

/** The subscriber's DTLS role and certificate fingerprint, from its answer, for transport.connect(). */
export function answerDtls(answer: string): types.DtlsParameters {
  const fingerprint = /^a=fingerprint:(\S+) (\S+)/m.exec(answer);
  const setup = /^a=setup:(\w+)/m.exec(answer)?.[1];
  if (!fingerprint || !setup) throw new Error('answer lacks a=fingerprint or a=setup');
  return {
    role: setup === 'active' ? 'client' : 'server',
    fingerprints: [{ algorithm: fingerprint[1] as types.FingerprintAlgorithm, value: fingerprint[2]! }],
  };
}
