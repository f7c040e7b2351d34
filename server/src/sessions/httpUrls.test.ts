// Meeting links and link materials are followed by other people's browsers: only http(s).
import { describe, expect, it } from 'vitest';
import { LinkBody, PatchSessionBody } from '../scheduling/contract.js';
import { HttpUrl, LinkMaterial } from './contract.js';

const BAD = ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'file:///etc/passwd', 'ftp://example.test/x'];

describe('http(s)-only links', () => {
  it('HttpUrl accepts http and https and refuses every other scheme', () => {
    expect(HttpUrl.safeParse('https://meet.example/abc').success).toBe(true);
    expect(HttpUrl.safeParse('http://example.test').success).toBe(true);
    for (const url of BAD) expect(HttpUrl.safeParse(url).success, url).toBe(false);
  });

  it('meeting links and materials use it', () => {
    for (const url of BAD) {
      expect(LinkBody.safeParse({ title: 'x', url }).success, url).toBe(false);
      expect(LinkMaterial.safeParse({ title: 'x', url }).success, url).toBe(false);
      expect(PatchSessionBody.safeParse({ meetingUrl: url }).success, url).toBe(false);
    }
    expect(PatchSessionBody.safeParse({ meetingUrl: 'https://meet.example/abc' }).success).toBe(true);
  });
});
