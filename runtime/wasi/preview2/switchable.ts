// One import map whose answers come from the current validation's host: what a glue evaluated
// once for many validations (../component/reusable-glue.ts) links against. It reads its
// imports once, so every function here forwards to the map of the validation in progress
// (fresh streams, log and random stream each time, exactly as ./host.ts gives a fresh glue);
// resource classes are module-level, the same objects in every map, and are passed as they are.
import { DeterministicRandom } from '../deterministic.js';
import { StdioLog } from '../stdio-log.js';
import { guard, preview2Imports } from './host.js';

type Members = Record<string, unknown>;

export class SwitchableImports {
  /** The map to link against; reading an interface the host lacks throws ComponentLinkError. */
  readonly imports: Record<string, object>;
  private current: Record<string, object>;

  constructor() {
    const template = preview2Imports(new StdioLog(0), new DeterministicRandom(new Uint8Array(0)));
    const other = preview2Imports(new StdioLog(0), new DeterministicRandom(new Uint8Array(0)));
    this.current = template;
    const forward: Record<string, object> = {};
    for (const key of Object.keys(template)) {
      const members = template[key] as Members;
      const out: Members = {};
      for (const [name, value] of Object.entries(members)) {
        if (value === (other[key] as Members)[name])
          out[name] = value; // a class: shared
        else if (typeof value === 'function')
          out[name] = (...args: unknown[]) =>
            ((this.current[key] as Members)[name] as (...a: unknown[]) => unknown)(...args);
        else throw new Error(`${key}.${name} is neither shared nor a function`);
      }
      forward[key] = out;
    }
    this.imports = guard(forward);
  }

  /** Points every function at a fresh host for one validation. */
  begin(log: StdioLog, random: DeterministicRandom): void {
    this.current = preview2Imports(log, random);
  }
}
