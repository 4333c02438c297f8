// node:os: what can be compared between two processes on one machine.
import os from "node:os";
import { EOL, platform, tmpdir } from "os";

console.log(JSON.stringify(EOL), platform(), os.type(), os.arch(), os.machine(), os.endianness(), os.devNull);
console.log(os.hostname(), os.release(), os.version());
console.log(tmpdir(), os.homedir());
const u = os.userInfo();
console.log(u.uid, u.gid, u.username, u.homedir, u.shell, JSON.stringify(Object.keys(u)));
console.log(os.totalmem() > 0, os.totalmem() === Math.floor(os.totalmem()), os.freemem() > 0, os.freemem() <= os.totalmem());
const l = os.loadavg();
console.log(l.length, l.every((x) => typeof x === "number" && x >= 0));
console.log(typeof os.uptime(), os.uptime() > 0);
const c = os.cpus();
console.log(c.length === os.availableParallelism(), JSON.stringify(Object.keys(c[0])), JSON.stringify(Object.keys(c[0].times)));
console.log(c[0].model, typeof c[0].speed);
console.log(os.constants.signals.SIGTERM, os.constants.signals.SIGKILL, os.constants.errno.ENOENT, os.constants.errno.EADDRINUSE, os.constants.priority.PRIORITY_HIGH);
console.log(Object.keys(os.constants.signals).length, Object.keys(os.constants.errno).length);
