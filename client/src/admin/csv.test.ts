import { describe, expect, it } from 'vitest';
import { emailsFromCsv, emailsFromPaste } from './csv.js';

describe('csv', () => {
  it('csv: takes the email column of a file with a header, quoted cells included', () => {
    expect(emailsFromCsv('name,email\n"Lee, Ann",ann@x.test\r\nBen,ben@x.test\n\n')).toEqual(['ann@x.test', 'ben@x.test']);
    expect(emailsFromCsv('ann@x.test;Ann\nnot-an-email\n')).toEqual(['ann@x.test', 'not-an-email']);
    expect(emailsFromPaste('a@x.test, b@x.test\nc@x.test;')).toEqual(['a@x.test', 'b@x.test', 'c@x.test']);
  });
});
