// One import map whose answers come from the current validation: what a glue evaluated once
// for many validations (../component/reusable-glue.ts) links against. Each `begin` gives the
// map fresh streams over the validation's log and its random stream, exactly what ./host.ts
// gives a glue evaluated afresh; resource classes are module-level, the same in every map.
import type { DeterministicRandom } from '../deterministic.js';
import type { StdioLog } from '../stdio-log.js';
import { importsOver, type Preview2Execution, preview2Execution } from './host.js';

export class SwitchableImports {
  /** The map to link against; reading an interface the host lacks throws ComponentLinkError. */
  readonly imports: Record<string, object>;
  private current: Preview2Execution | undefined;

  constructor() {
    this.imports = importsOver(() => {
      if (this.current === undefined) throw new Error('no validation in progress');
      return this.current;
    });
  }

  /** Points every function at fresh streams for one validation. */
  begin(log: StdioLog, random: DeterministicRandom): void {
    this.current = preview2Execution(log, random);
  }

  /** The validation ended: nothing answers until the next `begin`. */
  end(): void {
    this.current = undefined;
  }
}
