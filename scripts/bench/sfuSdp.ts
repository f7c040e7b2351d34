// The in-process signaling of the WebRTC SFU benchmark: the SDP offer a mediasoup
// WebRtcTransport (ice-lite, DTLS actpass) makes for one consumer, and the DTLS parameters read
// back from the subscriber's answer. One m=video section per peer connection, BUNDLEd, rtcp-mux.
import type { types } from 'mediasoup';

/** The offer for one consumer on its own WebRtcTransport: what a browser subscriber is given. */
export function consumerOffer(transport: types.WebRtcTransport, consumer: types.Consumer): string {
  const rtp = consumer.rtpParameters;
  const mid = rtp.mid ?? '0';
  const { usernameFragment, password } = transport.iceParameters;
  const fingerprint = transport.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256');
  if (!fingerprint) throw new Error('mediasoup offered no sha-256 fingerprint');
  const pts = rtp.codecs.map((c) => c.payloadType).join(' ');
  const encoding = rtp.encodings?.[0];
  const cname = rtp.rtcp?.cname ?? 'sfu-bench';
  const lines = [
    'v=0',
    `o=- ${Date.now()} 1 IN IP4 0.0.0.0`,
    's=-',
    't=0 0',
    'a=ice-lite',
    `a=group:BUNDLE ${mid}`,
    'a=msid-semantic: WMS sfu-bench',
    `m=video 7 UDP/TLS/RTP/SAVPF ${pts}`,
    'c=IN IP4 0.0.0.0',
    `a=mid:${mid}`,
    'a=sendonly',
    'a=rtcp-mux',
    'a=rtcp-rsize',
    `a=ice-ufrag:${usernameFragment}`,
    `a=ice-pwd:${password}`,
    `a=fingerprint:${fingerprint.algorithm} ${fingerprint.value}`,
    'a=setup:actpass',
    ...transport.iceCandidates.map(
      (c) => `a=candidate:${c.foundation} 1 ${c.protocol} ${c.priority} ${c.address} ${c.port} typ ${c.type}`,
    ),
    'a=end-of-candidates',
    ...rtp.codecs.flatMap((c) => {
      const [, name] = c.mimeType.split('/');
      const fmtp = Object.entries(c.parameters ?? {}).map(([k, v]) => `${k}=${String(v)}`);
      return [
        `a=rtpmap:${c.payloadType} ${name}/${c.clockRate}`,
        ...(c.rtcpFeedback ?? []).map((fb) => `a=rtcp-fb:${c.payloadType} ${fb.type}${fb.parameter ? ` ${fb.parameter}` : ''}`),
        ...(fmtp.length ? [`a=fmtp:${c.payloadType} ${fmtp.join(';')}`] : []),
      ];
    }),
    ...(rtp.headerExtensions ?? []).map((e) => `a=extmap:${e.id} ${e.uri}`),
    `a=msid:sfu-bench ${consumer.id}`,
    ...(encoding?.ssrc && encoding.rtx ? [`a=ssrc-group:FID ${encoding.ssrc} ${encoding.rtx.ssrc}`] : []),
    ...[encoding?.ssrc, encoding?.rtx?.ssrc].filter((s) => s !== undefined).map((s) => `a=ssrc:${s} cname:${cname}`),
  ];
  return lines.join('\r\n') + '\r\n';
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
