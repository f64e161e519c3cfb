// Chromium with its CPU time capped, for tests of rooms on slow machines: every process of the
// browser runs in a cgroup (v1 `cpu` controller) limited to `cpus` cores' worth of time. Linux
// only, as root; `starvedChromium()` returns undefined where cgroups cannot be written.
import { chmodSync, existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_PATH } from './chromium.mjs';

const CPU_CGROUPS = '/sys/fs/cgroup/cpu';

/**
 * Makes a cgroup capped at `cpus` CPUs and a launcher that puts Chromium (and so every process it
 * starts) in it. Returns `{executablePath, cgroup, remove()}`, or undefined if that is impossible.
 */
export function starvedChromium(cpus) {
  if (!existsSync(join(CPU_CGROUPS, 'cgroup.procs'))) return undefined;
  const cgroup = join(CPU_CGROUPS, `video-chat-starved-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(cgroup);
    const period = 100_000;
    writeFileSync(join(cgroup, 'cpu.cfs_period_us'), String(period));
    writeFileSync(join(cgroup, 'cpu.cfs_quota_us'), String(Math.round(cpus * period)));
  } catch {
    return undefined;
  }
  const executablePath = join(tmpdir(), `starved-chromium-${process.pid}-${Date.now()}.sh`);
  writeFileSync(executablePath, `#!/bin/sh\necho $$ > ${join(cgroup, 'cgroup.procs')}\nexec ${CHROMIUM_PATH} "$@"\n`);
  chmodSync(executablePath, 0o755);
  return {
    executablePath,
    cgroup,
    remove() {
      try {
        rmdirSync(cgroup);
      } catch {
        // Still holds processes of a browser that has not exited yet; the kernel keeps it empty.
      }
    },
  };
}
