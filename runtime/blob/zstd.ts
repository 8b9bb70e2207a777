// Bounded zstd decompression with libzstd's own streaming decoder, compiled to wasm (the
// `zstddec/stream` package embeds it as base64, so it bundles into one file and needs no file
// access inside a sealed worker).
//
// Must match the reference's `zstd::Decoder` as used by sp-maybe-compressed-blob
// (`decompress_zstd` → `read_from_decoder`): the same C decoder with its default limits
// (a frame whose window exceeds 2^27 bytes is refused, ZSTD_WINDOWLOG_LIMIT_DEFAULT),
// concatenated and skippable frames accepted, and output read through `take(limit + 1)`:
// the decoder is never asked for more than `limit + 1` bytes, and getting them means a
// possible bomb. Memory stays bounded by the frame window plus `limit + 1`.
//
// Chosen by measurement on this machine (Node 20.20, one process per run, wall time and peak
// RSS; Moonbase: 2,092,880 → 13,544,397 bytes with a 128 MiB window; bomb: 1 GiB of zeros,
// 33,679 bytes from `zstd -3`; a bare Node process peaks at 39 MiB):
//   implementation                     Moonbase            1 GiB bomb (limit 30 MiB)
//   zstddec/stream, own bounded loop   40-110 ms, 105 MiB  11-44 ms, 94 MiB: possible-bomb
//   @bokuweb/zstd-wasm (one-shot)      50-64 ms, 87 MiB    29 ms: fails at the output cap,
//                                                          but its loader reads a .wasm file
//                                                          via __dirname (not bundleable)
//   fzstd 0.1.1 (pure JS, streaming)   2.1-3.2 s, 225 MiB  79 ms (stops in the block callback)
//   fzstd one-shot                     2.1-2.5 s           6.6 s, 2.1 GiB: inflates it all
//   zstd-codec (emscripten, streaming) out of memory       6.1 s, 3.1 GiB: inflates it all
//   zstd-napi (native)                 not installable here: prebuild-install downloads a
//                                      binary, else node-gyp compiles
// Re-run with `npm run bench -- blob` (bench/blob.ts) for this implementation.
import { ZSTDDecoder } from 'zstddec/stream';

/** Exports of the libzstd wasm build inside zstddec/stream. */
interface ZstdExports {
  memory: { buffer: ArrayBuffer };
  malloc(size: number): number;
  free(ptr: number): void;
  ZSTD_createDCtx(): number;
  ZSTD_freeDCtx(dctx: number): number;
  ZSTD_decompressStream(dctx: number, output: number, input: number): number;
  ZSTD_DStreamOutSize(): number;
}

/** How bounded decompression ended. */
export type ZstdResult =
  | { kind: 'ok'; data: Uint8Array }
  /** More than `limit` bytes would come out; decoding stopped at `limit + 1`. */
  | { kind: 'possible-bomb'; limit: number }
  /** Not a well-formed zstd stream (or a frame needing a window over 2^27 bytes). */
  | { kind: 'invalid'; reason: string };

let exportsPromise: Promise<ZstdExports> | undefined;

/**
 * Instantiates the decoder once per process. zstddec keeps its wasm instance private and
 * hands it to `_init` (public in its typings); we take it from there to drive the streaming
 * API with our own output bound, and still let zstddec record it so its memory-growth hook
 * keeps working.
 */
export function loadZstd(): Promise<ZstdExports> {
  exportsPromise ??= (async () => {
    const decoder = new ZSTDDecoder();
    let captured: ZstdExports | undefined;
    decoder._init = (result) => {
      captured = result.instance.exports as unknown as ZstdExports;
      ZSTDDecoder.prototype._init.call(decoder, result);
    };
    await decoder.init();
    if (!captured) throw new Error('zstd decoder failed to initialise');
    return captured;
  })();
  return exportsPromise;
}

// size_t error codes are the top ~120 values of the 32-bit range (ZSTD_isError).
const ZSTD_ERROR_MIN = 2 ** 32 - 120;
const errorCode = (ret: number) => 2 ** 32 - (ret >>> 0);

/**
 * Decompresses `payload` (one or more zstd frames), producing at most `limit` bytes.
 * Requires {@link loadZstd} to have resolved; pass its value.
 */
export function decompressZstd(z: ZstdExports, payload: Uint8Array, limit: number): ZstdResult {
  const outSize = z.ZSTD_DStreamOutSize();
  const dctx = z.ZSTD_createDCtx();
  const src = z.malloc(Math.max(payload.length, 1));
  const dst = z.malloc(outSize);
  const io = z.malloc(24); // ZSTD_inBuffer { src, size, pos } then ZSTD_outBuffer { dst, size, pos }
  try {
    if (!dctx || !src || !dst || !io) return { kind: 'invalid', reason: 'out of decoder memory' };
    new Uint8Array(z.memory.buffer).set(payload, src);
    let view = new DataView(z.memory.buffer);
    view.setUint32(io, src, true);
    view.setUint32(io + 4, payload.length, true);
    view.setUint32(io + 8, 0, true);
    const chunks: Uint8Array[] = [];
    let total = 0;
    let ret = 0;
    for (;;) {
      // Ask for no more than limit + 1 bytes in all, as the reference's `take` does.
      const want = Math.min(outSize, limit + 1 - total);
      view.setUint32(io + 12, dst, true);
      view.setUint32(io + 16, want, true);
      view.setUint32(io + 20, 0, true);
      ret = z.ZSTD_decompressStream(dctx, io + 12, io) >>> 0;
      view = new DataView(z.memory.buffer); // memory may have grown
      if (ret >= ZSTD_ERROR_MIN) return { kind: 'invalid', reason: `zstd error ${errorCode(ret)}` };
      const produced = view.getUint32(io + 20, true);
      if (produced > 0) {
        chunks.push(new Uint8Array(z.memory.buffer, dst, produced).slice());
        total += produced;
        if (total > limit) return { kind: 'possible-bomb', limit };
      }
      const inputDone = view.getUint32(io + 8, true) >= payload.length;
      // Done once all input is consumed and the decoder is fully flushed: it had room to spare,
      // or it reported the frame's end (0) — a frame ending exactly on the output buffer's size
      // (128 KiB) fills it, and one more call would return the next frame's header size hint.
      if (inputDone && (ret === 0 || produced < want)) break;
    }
    // ret is 0 only at a frame boundary: anything else is a truncated frame, which the
    // reference's reader reports as an error at end of input.
    if (ret !== 0) return { kind: 'invalid', reason: 'truncated zstd frame' };
    return { kind: 'ok', data: concat(chunks, total) };
  } finally {
    if (io) z.free(io);
    if (dst) z.free(dst);
    if (src) z.free(src);
    if (dctx) z.ZSTD_freeDCtx(dctx);
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
