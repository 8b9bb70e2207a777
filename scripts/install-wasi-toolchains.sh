#!/usr/bin/env bash
# Installs the Debian packages that build the toolchain WASI examples
# (scripts/build-toolchain-examples.sh), only those missing: a no-op, without `apt-get update`,
# when all are there. Needs root (CI runs as root); prints what it would install otherwise.
set -euo pipefail
PACKAGES=(
  clang-19 lld-19 libclang-rt-19-dev-wasm32 wasi-libc # C: clang 19, wasm-ld, builtins, libc
  rustc libstd-rust-dev-wasm32 lld-14                 # Rust 1.63 (wasm32-wasi std); its rlibs
                                                      # need the wasm-ld of its own LLVM 14
  wabt                                                # wasm-objdump, to look at the outputs
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run as root: apt-get install ${missing[*]})" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
