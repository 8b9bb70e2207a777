// Test entry, run by the tests as an unprivileged uid (setpriv): the host side of the
// sandbox where the launcher cannot unshare or drop ids itself.
// argv: <launcher> status|status-no-namespaces|self-test; prints one JSON line.
import { probeSandbox } from '../../../../src/sandbox/probe.js';
import { runSelfTest } from '../../../../src/sandbox/self-test/run.js';

const [launcher, what] = process.argv.slice(2);
const result =
  what === 'status'
    ? await probeSandbox({ launcher: launcher! })
    : what === 'status-no-namespaces'
      ? await probeSandbox({ launcher: launcher!, namespaces: false })
      : await runSelfTest({ launcher: launcher! });
process.stdout.write(JSON.stringify(result) + '\n');
