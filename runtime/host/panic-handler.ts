// sp-io `panic_handler` interface (feature `improved_panic_error_reporting`): the runtime
// hands over its panic message and the call ends. sc-executor stores the message
// (`register_panic_error_message`) and the function is `#[trap_on_return]`, so execution stops
// as `AbortedDueToPanic`. Polkadot's PVF host-function set does not list this interface, so
// there it links as a missing-function stub; either way the call traps at once, which is all
// validators must agree on. We keep the message for the outcome.
import { HostTrap } from '../engine/traps.js';
import { host, type HostFamily } from './context.js';
import { readStr } from './logging.js';

export const panicHandler: HostFamily = {
  /** `abort_on_panic(message: &str)`: ends the call as an invalid `panic` with the message. */
  ext_panic_handler_abort_on_panic_version_1: host('(i64)->', (ctx, message: bigint) => {
    const text = readStr(ctx, message, 'panic message');
    ctx.logs.abortMessage = text;
    throw new HostTrap('panic', text);
  }),
};
