// The error fields of child_process and fs failures: code, errno, syscall,
// path (and dest, spawnargs) and the message, as Node sets them.
import cp from "node:child_process";
import fs from "node:fs";
const show = (e) => console.log(e.name, e.code, e.errno, e.syscall, e.path, JSON.stringify(e.spawnargs), e.message);
const r = cp.spawnSync("no-such-cmd-xyz", ["a"]);
show(r.error);
try { cp.execFileSync("no-such-cmd-xyz", ["b"]); } catch (e) { show(e); }
await new Promise((res) => cp.execFile("no-such-cmd-xyz", ["c"], (e) => { show(e); res(); }));
await new Promise((res) => { const c = cp.spawn("no-such-cmd-xyz", ["d"]); c.on("error", (e) => { show(e); res(); }); });
try { cp.execSync("exit 3", { stdio: "pipe" }); } catch (e) { console.log(e.status, e.signal, e.code, e.message.split("\n")[0]); }
for (const f of [() => fs.readFileSync("/nope/x"), () => fs.mkdirSync("/tmp"), () => fs.rmdirSync("/etc/hostname"), () => fs.readdirSync("/etc/hostname"), () => fs.renameSync("/nope/a", "/nope/b"), () => fs.symlinkSync("/a", "/tmp"), () => fs.copyFileSync("/nope", "/tmp/x")]) {
  try { f(); } catch (e) { console.log(e.code, e.errno, e.syscall, e.path, e.dest, e.message); }
}
