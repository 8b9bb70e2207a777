// What the worker can see of its own sandbox, reported to the host in the handshake. This is
// informational: the host never trusts it and verifies the worker from outside through /proc.
import { openSync, closeSync, readFileSync, readlinkSync } from 'node:fs';
import type { SandboxView } from '../protocol/messages.js';

function statusField(status: string, name: string): number {
  const m = new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(status);
  return m === null ? -1 : Number(m[1]);
}

export function sandboxView(): SandboxView {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // Unreadable under a file-system sandbox that does not allow /proc/self: report unknown.
  }
  let netns = '';
  try {
    netns = readlinkSync('/proc/self/ns/net');
  } catch {
    // Same.
  }
  let fsRestricted = false;
  try {
    closeSync(openSync('/etc/passwd', 'r'));
  } catch {
    fsRestricted = true;
  }
  return {
    seccomp: statusField(status, 'Seccomp'),
    noNewPrivs: statusField(status, 'NoNewPrivs'),
    uid: statusField(status, 'Uid'),
    netns,
    fsRestricted,
    // native/launch-config.ts LAUNCH_REPORT_ENV (runtime/ may not import native/).
    layers: process.env.PVF_SANDBOX_LAYERS ?? '',
  };
}
