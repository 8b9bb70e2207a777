// Test entry: a host that starts one sealed spinner and then waits to be killed.
// argv: <launcher> <spinner script> sealed|control. `control` takes away the layers that make
// the worker die with its host: the PID namespace and the parent-death signal. Both modes run
// the worker filter without its no-new-processes rule, so that the spinner can have a grandchild.
// Prints one JSON line { worker, spawned } once the spinner has started its grandchild.
import { spawn } from 'node:child_process';
import { decodeLaunchConfig, encodeLaunchConfig } from '../../../../native/launch-config.js';
import { workerSeccompProgram } from '../../../../native/linux/policy.js';
import { planWorker, sealedPid, trackPlanChild } from '../../../../src/sandbox/spawn.js';

const [launcher, script, mode] = process.argv.slice(2);
const sealed = mode === 'sealed';
const plan = planWorker({
  script: script!,
  stdio: ['pipe', 'pipe', 'pipe'],
  sandbox: { launcher: launcher!, namespaces: sealed },
});
const args = [...plan.args];
const config = decodeLaunchConfig(args.at(-1));
args[args.length - 1] = encodeLaunchConfig({
  ...config,
  seccomp: { ...config.seccomp, program: workerSeccompProgram('errno', { newProcesses: true }) },
  ...(sealed ? {} : { parentDeath: 'off' as const }),
});
const child = trackPlanChild(
  plan,
  spawn(plan.command, args, { stdio: ['pipe', 'pipe', 'inherit'], env: { ...plan.env } }),
);
let out = '';
child.stdout!.on('data', (d: Buffer) => {
  out += d.toString();
  if (!out.includes('\n')) return;
  process.stdout.write(JSON.stringify({ worker: sealedPid(child), spawned: child.pid }) + '\n');
  out = '';
});
setInterval(() => {}, 1000);
