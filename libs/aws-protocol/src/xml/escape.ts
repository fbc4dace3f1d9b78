// `\r` would be normalised to `\n` by any XML parser (the SDK's included), so AWS writes it as &#xD;.
// Other C0 controls are not XML characters at all; a character reference still round-trips through the SDK.
// Built from a string so the control-character class stays readable (and lint-clean).
const CLASS = '[&<>"\\r\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F]';
const SPECIAL = new RegExp(CLASS);
const SPECIAL_G = new RegExp(CLASS, 'g');

const replace = (c: string): string => {
  switch (c) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '"':
      return '&quot;';
    default:
      return `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;
  }
};

/** Escapes text and attribute content; returns the input untouched when nothing needs escaping. */
export function escapeXml(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_G, replace) : s;
}
