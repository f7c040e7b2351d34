import { describe, expect, it } from 'vitest';
import { HTTP_URL_PATTERN, safeHttpUrl } from './safeUrl.js';

describe('safeHttpUrl', () => {
  it('keeps http(s) links and drops every other scheme', () => {
    expect(safeHttpUrl('https://meet.example/abc')).toBe('https://meet.example/abc');
    expect(safeHttpUrl('http://example.test/x?y=1')).toBe('http://example.test/x?y=1');
    for (const bad of ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'file:///etc/passwd', '//evil.example', 'not a url', '']) {
      expect(safeHttpUrl(bad), bad).toBeUndefined();
    }
  });

  it('the form pattern accepts http(s) only', () => {
    const re = new RegExp(`^(?:${HTTP_URL_PATTERN})$`, 'v');
    expect(re.test('https://meet.example/abc')).toBe(true);
    expect(re.test('HTTP://EXAMPLE.TEST')).toBe(true);
    expect(re.test('javascript:alert(1)')).toBe(false);
    expect(re.test('data:text/html,x')).toBe(false);
  });
});
