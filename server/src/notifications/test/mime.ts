// A small MIME reader for tests: headers, nested multiparts, base64 and quoted-printable.
export interface MimePart {
  headers: Map<string, string>;
  contentType: string;
  params: Map<string, string>;
  body: string;
  parts: MimePart[];
}

function parseHeaderBlock(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split(/\r\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return headers;
}

function parseParams(value: string): { type: string; params: Map<string, string> } {
  const [type = '', ...rest] = value.split(';');
  const params = new Map<string, string>();
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i > 0) params.set(p.slice(0, i).trim().toLowerCase(), p.slice(i + 1).trim().replace(/^"|"$/g, ''));
  }
  return { type: type.trim().toLowerCase(), params };
}

function decode(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable': {
      const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    }
    default:
      return body;
  }
}

export function parseMime(raw: string): MimePart {
  const split = raw.indexOf('\r\n\r\n');
  const headers = parseHeaderBlock(split >= 0 ? raw.slice(0, split) : raw);
  const content = split >= 0 ? raw.slice(split + 4) : '';
  const { type, params } = parseParams(headers.get('content-type') ?? 'text/plain');
  const part: MimePart = { headers, contentType: type, params, body: '', parts: [] };
  const boundary = params.get('boundary');
  if (type.startsWith('multipart/') && boundary) {
    const chunks = content.split(`--${boundary}`);
    for (const chunk of chunks.slice(1)) {
      if (chunk.startsWith('--')) break;
      part.parts.push(parseMime(chunk.replace(/^\r\n/, '').replace(/\r\n$/, '')));
    }
  } else {
    part.body = decode(content, headers.get('content-transfer-encoding'));
  }
  return part;
}

/** Every leaf part, depth first. */
export function leaves(p: MimePart): MimePart[] {
  return p.parts.length === 0 ? [p] : p.parts.flatMap(leaves);
}
