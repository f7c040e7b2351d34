// Writes the web app icons (client/public/icons/*.png): the Lectern "L" on its blue
// rounded square, drawn on the same 32-unit grid as the favicon. No image tools needed:
// a small PNG encoder (zlib deflate + CRC32). Run: node scripts/make-icons.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
const crc32 = (buf) => {
  let c = -1;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};

function icon(size, { maskable }) {
  const bg = [0x2f, 0x5d, 0x8a, 255];
  const fg = [255, 255, 255, 255];
  const unit = size / 32;
  const radius = maskable ? 0 : 7 * unit;
  // Maskable icons keep the mark inside the central 80% safe zone.
  const scale = maskable ? 0.7 : 1;
  const off = (size - size * scale) / 2;
  const inL = (x, y) => {
    const u = (x - off) / (unit * scale);
    const v = (y - off) / (unit * scale);
    return (u >= 9 && u < 13 && v >= 8 && v < 24) || (u >= 9 && u < 23 && v >= 21 && v < 24);
  };
  const inRounded = (x, y) => {
    const cx = Math.min(Math.max(x, radius), size - radius);
    const cy = Math.min(Math.max(y, radius), size - radius);
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
  };
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      const px = inRounded(x + 0.5, y + 0.5) ? (inL(x + 0.5, y + 0.5) ? fg : bg) : [0, 0, 0, 0];
      row.set(px, 1 + x * 4);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

const dir = new URL('../client/public/icons/', import.meta.url);
for (const size of [192, 512]) {
  writeFileSync(new URL(`icon-${size}.png`, dir), icon(size, { maskable: false }));
  writeFileSync(new URL(`maskable-${size}.png`, dir), icon(size, { maskable: true }));
}
writeFileSync(new URL('apple-touch-icon.png', dir), icon(180, { maskable: true }));
