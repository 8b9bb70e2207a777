// How a validation gets its component instance. Every validation runs in fresh core instances
// with a fresh host (streams, log, random stream from the params). The glue around them is
// evaluated once per prepared component when its text allows (./reusable-glue.ts) and reused
// while calls end normally (a result, or an `err` result); after anything else (a trap, an
// exit, a link error) that evaluation is dropped and the next validation builds a new one.
// Glue the rewrite refuses is evaluated afresh for every validation (the reference path).
import { DeterministicRandom } from '../deterministic.js';
import { preview2Imports } from '../preview2/host.js';
import { SwitchableImports } from '../preview2/switchable.js';
import type { StdioLog } from '../stdio-log.js';
import type { ReusableInstance } from './reusable-glue.js';
import type { ComponentGlue } from './transpile.js';

/** A glue evaluation kept between validations, with the import map it is linked to. */
interface Live {
  readonly instance: ReusableInstance;
  readonly host: SwitchableImports;
}

/** Where a prepared component keeps its reusable evaluation (absent while one is running). */
export interface LiveSlot {
  live?: Live;
}

/** The component has no `validate-block` export the glue could bind. */
export class NoEntryPoint extends Error {
  override name = 'NoEntryPoint';
}

/**
 * Calls `validate-block(input)` in fresh core instances: the ok bytes, or throws what the glue
 * throws (the `err` string, a trap, ComponentExit, ComponentLinkError).
 */
export function callValidateBlock(
  glue: ComponentGlue,
  slot: LiveSlot,
  log: StdioLog,
  input: Uint8Array,
): Uint8Array {
  try {
    return call(glue, slot, log, input);
  } finally {
    glue.cores.releaseAll(); // the instances of this call never run again
  }
}

function call(glue: ComponentGlue, slot: LiveSlot, log: StdioLog, input: Uint8Array): Uint8Array {
  const random = new DeterministicRandom(input);
  if (typeof glue.reusable === 'string')
    return entry(glue.instantiate(preview2Imports(log, random)))(input);
  let live = slot.live;
  slot.live = undefined; // taken: a call that does not end normally never gives it back
  if (live === undefined) {
    const host = new SwitchableImports();
    host.begin(log, random);
    live = {
      instance: glue.reusable(glue.getCoreModule, host.imports, glue.cores.instantiate),
      host,
    };
  } else {
    live.host.begin(log, random);
    live.instance.rebind();
  }
  let output: Uint8Array;
  try {
    output = entry(live.instance)(input);
  } catch (err) {
    if (typeof err === 'string') slot.live = live; // an `err` result ends the call normally
    throw err;
  } finally {
    live.host.end();
  }
  slot.live = live;
  return output;
}

function entry(exports: { validateBlock?: (params: Uint8Array) => Uint8Array }) {
  const fn = exports.validateBlock;
  if (typeof fn !== 'function') throw new NoEntryPoint('no validate-block export');
  return fn;
}
