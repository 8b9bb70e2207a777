// The running Node's major version, for the few tests that assert what V8 itself accepts:
// V8 12.4 (Node 22) and 13.6 (Node 24) enable proposals V8 11.3 (Node 20) keeps behind flags.
// Such a test pins V8's answer per major; the verdict (our gating) must not depend on it.
export const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/** Whether V8 accepts by default a proposal it enabled in Node `major`'s V8. */
export const v8Since = (major: 22 | 24): boolean => NODE_MAJOR >= major;
