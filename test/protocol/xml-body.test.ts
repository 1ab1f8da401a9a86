import { describe, expect, it } from 'vitest';
import { parseXmlBody } from '../../src/protocol/xml.js';

describe('parseXmlBody', () => {
  const body = '<CreateJobRequest><Priority>3</Priority></CreateJobRequest>';
  it('accepts a body with or without a declaration, and with a byte-order mark before either', () => {
    for (const text of [
      body,
      `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
      `\uFEFF${body}`,
      `\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
    ]) {
      expect(parseXmlBody(Buffer.from(text, 'utf8'), 'CreateJobRequest')).toEqual({ Priority: '3' });
    }
  });

  it('still refuses DOCTYPE, a wrong root and garbage', () => {
    const code = (text: string): string => {
      try {
        parseXmlBody(text, 'CreateJobRequest');
        return 'accepted';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(code(`<!DOCTYPE x [<!ENTITY a "b">]>${body}`)).toBe('MalformedXML');
    expect(code('<Other/>')).toBe('MalformedXML');
    expect(code('<CreateJobRequest>')).toBe('MalformedXML');
  });

  it('refuses characters XML 1.0 does not allow, raw or as references, and bytes that are not UTF-8', () => {
    const code = (text: string | Buffer): string => {
      try {
        parseXmlBody(text, 'Tagging');
        return 'accepted';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    const tag = (v: string): string =>
      `<Tagging><TagSet><Tag><Key>k</Key><Value>${v}</Value></Tag></TagSet></Tagging>`;
    for (const bad of [
      'a\u0000b',
      '\u0001',
      '\u001F',
      '\uFFFE',
      '\uD800',
      '&#0;',
      '&#x1;',
      '&#xFFFF;',
      '&#55296;',
    ])
      expect(code(tag(bad)), JSON.stringify(bad)).toBe('MalformedXML');
    expect(code(Buffer.concat([Buffer.from(tag('')), Buffer.from([0xff, 0xfe])]))).toBe('MalformedXML');
    for (const good of ['tab\there', 'line\nbreak', '&#9;', '&#x10FFFF;', 'emoji \u{1F600}', '\uE000'])
      expect(code(tag(good)), JSON.stringify(good)).toBe('accepted');
  });
});
