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
});
