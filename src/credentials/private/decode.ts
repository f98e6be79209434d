import { CredentialReportParseError } from './csv';

const TO_UTF8 = 'a credential report is UTF-8 CSV text';
const GET_REPORT = 'aws iam get-credential-report --query Content --output text | base64 -d > report.csv';

/**
 * The text of a credential report from its bytes, or an error that names what the bytes are
 * instead (gzip, ZIP, UTF-16, binary, another encoding) and how to get the CSV. A UTF-8
 * byte-order mark is dropped. `what` names the bytes in messages ("the input", "the
 * base64-decoded input").
 */
export function decodeReportBytes(bytes: Uint8Array, what = 'the input'): string {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new CredentialReportParseError(
      `${what} is gzip-compressed (it starts with the gzip magic bytes 1f 8b); ${TO_UTF8}: decompress it first, `
      + 'e.g. gunzip -c report.csv.gz > report.csv');
  }
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    throw new CredentialReportParseError(
      `${what} is a ZIP archive (it starts with PK\\x03\\x04); ${TO_UTF8}: extract the CSV first, e.g. unzip -p report.zip > report.csv`);
  }
  const utf16 = utf16ByteOrder(bytes);
  if (utf16) {
    throw new CredentialReportParseError(
      `${what} is UTF-16 (${utf16}) text, as Windows PowerShell's > and Out-File write by default; ${TO_UTF8}: `
      + 'convert it, e.g. iconv -f UTF-16 -t UTF-8 report.csv > report-utf8.csv, or in PowerShell '
      + 'use Out-File -Encoding utf8 (or Set-Content) instead of >');
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new CredentialReportParseError(
      `${what} is binary data, not text (a NUL byte at offset ${nul}); ${TO_UTF8}, as printed by ${GET_REPORT}`);
  }
  const invalid = firstInvalidUtf8(bytes);
  if (invalid >= 0) {
    throw new CredentialReportParseError(
      `${what} is not UTF-8 text (byte 0x${bytes[invalid].toString(16).padStart(2, '0')} at offset ${invalid} cannot start or continue `
      + `a UTF-8 character); ${TO_UTF8}: if it was saved in another encoding, convert it, e.g. iconv -f LATIN1 -t UTF-8, `
      + `or get it again with ${GET_REPORT}`);
  }
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.length - start).toString('utf8');
}

/**
 * 'little-endian' or 'big-endian' for UTF-16 text: a byte-order mark, or, without one, the NUL
 * pattern ASCII text has in UTF-16 (every other byte zero) in the first bytes.
 */
function utf16ByteOrder(bytes: Uint8Array): 'little-endian' | 'big-endian' | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'little-endian';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'big-endian';
  const pairs = Math.min(32, Math.floor(bytes.length / 2));
  if (pairs < 2) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < pairs; i++) {
    if (bytes[2 * i] === 0 && bytes[2 * i + 1] !== 0) evenZero++;
    if (bytes[2 * i] !== 0 && bytes[2 * i + 1] === 0) oddZero++;
  }
  if (oddZero === pairs) return 'little-endian';
  if (evenZero === pairs) return 'big-endian';
  return undefined;
}

/** The offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // The lead byte gives the length, the bits it contributes and the smallest code point that
    // needs that length (a smaller one is an overlong form, which UTF-8 forbids).
    let extra: number;
    let code: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      extra = 1; code = b - 0xc0; min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      extra = 2; code = b - 0xe0; min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      extra = 3; code = b - 0xf0; min = 0x10000;
    } else {
      return i;
    }
    if (i + extra >= bytes.length) return i; // cut off at the end
    for (let k = 1; k <= extra; k++) {
      const c = bytes[i + k];
      if (c < 0x80 || c > 0xbf) return i;
      code = code * 64 + (c - 0x80);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return i;
    i += extra + 1;
  }
  return -1;
}
