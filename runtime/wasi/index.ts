// WASI-based PVFs: ABI 1 (`wasi-p1`, a core module over a deterministic preview1 subset) and
// ABI 2 (`component`, world `pvf` over a deterministic WASI 0.2 import map). Neither host has
// any networking import.
export { prepareWasi, wasiPvf } from './abi.js';
export { BindgenLoadError } from './component/bindgen.js';
export {
  CLOCK_RESOLUTION_NS,
  FIXED_MONOTONIC_NS,
  FIXED_REALTIME_NS,
  INSECURE_SEED,
} from './deterministic.js';
