// Host functions the example PVFs import. A `declare`d function takes its import module from
// this file's name, so these are `env.*`, the module sp-io's runtime interfaces use. Only
// logging: like Polkadot's test parachains, the PVFs hash and allocate inside the wasm.

/**
 * sp-io `ext_logging_log_version_1(level, target, message)`; `target` and `message` are fat
 * pointers (`ptr | len << 32`) to UTF-8 text. Level 0 is `Error`.
 */
export declare function ext_logging_log_version_1(level: i32, target: i64, message: i64): void;
