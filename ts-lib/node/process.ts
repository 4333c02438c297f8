// node:process (the implementation: internal/process.ts): the global process.
import * as m from "./internal/process.ts";

export const process = m.process;
export const { env, argv, argv0, execArgv, pid, ppid, platform, arch, version, versions, release, config, features } = m.process;
export const { nextTick, exit, hrtime, memoryUsage, cwd, chdir, uptime, emitWarning, umask, kill, abort } = m.process;
export default m.process;
