#!/usr/bin/env bash
# Builds the adder PVF with real toolchains from Debian packages (installed by
# scripts/install-wasi-toolchains.sh) into dist/examples/toolchain/:
#   c-adder.wasm            wasi-p1, clang 19 with its default features
#   c-adder-mvp.wasm        wasi-p1, clang 19 with -mcpu=mvp
#   c-adder-bulk.wasm       wasi-p1, clang 19 with what LLVM 20 adds to its defaults
#                           (-mbulk-memory -mnontrapping-fptoint): memcpy becomes memory.copy
#   rust-adder.wasm         wasi-p1, Debian's rustc for wasm32-wasi (a cdylib, std only)
#   c-adder-component.wasm  component, the C adder's preview1 core wrapped with jco's
#                           wasi_snapshot_preview1 reactor adapter (wrap-preview1-component.ts)
# The README's "Writing a WASI PVF" shows the same commands. /usr/bin/rustc is named
# explicitly: a rustup rustc earlier on PATH may lack the wasm32-wasi target.
set -euo pipefail
# clang runs binaryen's wasm-opt after linking when one is on PATH (npm puts binaryen's in
# node_modules/.bin when this runs under npm or vitest), which would change the output: the
# system folders only.
export PATH=/usr/bin:/bin
cd "$(dirname "$0")/.."
OUT=dist/examples/toolchain
mkdir -p "$OUT"
C=examples/wasi/c/adder.c
RS=examples/wasi/rust/adder.rs
CFLAGS=(--target=wasm32-wasi -O2 -mexec-model=reactor -Wl,--strip-debug)

clang-19 "${CFLAGS[@]}" -o "$OUT/c-adder.wasm" "$C"
clang-19 "${CFLAGS[@]}" -mcpu=mvp -o "$OUT/c-adder-mvp.wasm" "$C"
clang-19 "${CFLAGS[@]}" -mbulk-memory -mnontrapping-fptoint -o "$OUT/c-adder-bulk.wasm" "$C"
/usr/bin/rustc --target wasm32-wasi --crate-type cdylib --edition 2021 -C opt-level=2 \
  -C strip=debuginfo -C linker=wasm-ld-14 -o "$OUT/rust-adder.wasm" "$RS"
clang-19 "${CFLAGS[@]}" -DPVF_COMPONENT -o "$OUT/c-adder-component.core.wasm" "$C"
node_modules/.bin/tsx scripts/wrap-preview1-component.ts "$OUT/c-adder-component.core.wasm" \
  "$OUT/c-adder-component.wasm"
rm "$OUT/c-adder-component.core.wasm"
