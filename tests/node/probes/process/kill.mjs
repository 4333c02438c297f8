// process.kill: signal 0 checks a process exists, names and numbers are
// sent, errors carry Node's code, errno and syscall; bad arguments throw
// Node's errors.
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";

console.log(process.kill(process.pid, 0), process.kill(process.pid, "SIGCONT"), process.kill(String(process.pid), 0));
for (const [pid, sig] of [[2147483646, 0], [process.pid, "SIGNOPE"], [process.pid, "sigterm"], [1.5, 0], ["abc", 0], [{}, 0], [process.pid, -1]]) {
  try {
    console.log(process.kill(pid, sig));
  } catch (e) {
    console.log(JSON.stringify([typeof pid, sig]), e.name, e.code, e.errno, e.syscall, e.message.replace(/Received .*/, "Received ..."));
  }
}
// A process of our own making (a background sleep) dies of the signal:
// its /proc entry goes, or turns into a zombie, once it is delivered.
const dead = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1][0] === "Z";
  } catch {
    return true;
  }
};
for (const sig of [undefined, "SIGKILL", 15]) {
  const pid = Number(execSync("sleep 30 > /dev/null 2>&1 & echo $!", { encoding: "utf8" }));
  const before = dead(pid);
  const sent = process.kill(pid, sig);
  const deadline = Date.now() + 5000;
  while (!dead(pid) && Date.now() < deadline);
  console.log("signal", sig, "sent", sent, "alive before", !before, "dead after", dead(pid));
}
