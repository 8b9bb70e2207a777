// UTF-8 decoding with Rust's acceptance rules: `str::from_utf8` refuses exactly what a fatal
// WHATWG decoder refuses (ill-formed sequences, surrogates, overlongs), so the two agree.
const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Rust's `str::from_utf8(bytes).ok()`. */
export function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return fatal.decode(bytes);
  } catch {
    return undefined;
  }
}
