// Public API of pvf-runtime: named re-exports only.
export {};
