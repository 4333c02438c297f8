// node:child_process: Sync forms inline, exec/execFile/spawn on the pool.
import cp from "node:child_process";
import { execFileSync, spawnSync } from "child_process";

const td = new TextDecoder();
const text = (b) => (typeof b === "string" ? b : td.decode(b));

const r = spawnSync("sh", ["-c", "echo hi; echo err >&2; exit 3"]);
console.log(JSON.stringify(Object.keys(r)), r.status, r.signal, JSON.stringify(text(r.stdout)), JSON.stringify(text(r.stderr)), r.output.length, r.output[0], typeof r.pid);
const e = spawnSync("nonexistent-howth-probe", ["a"]);
console.log(JSON.stringify(Object.keys(e)), e.error.message, JSON.stringify(Object.keys(e.error)), e.error.code, e.error.errno, e.error.syscall, JSON.stringify(e.error.spawnargs), e.pid, e.status, e.stdout);
console.log(JSON.stringify(spawnSync("cat", [], { input: "fed in", encoding: "utf8" }).stdout));
console.log(JSON.stringify(spawnSync("sh", ["-c", "echo $HOWTH_PROBE_VAR; pwd"], { env: { HOWTH_PROBE_VAR: "set", PATH: "/usr/bin:/bin" }, cwd: "/", encoding: "utf8" }).stdout));
const t = spawnSync("sleep", ["5"], { timeout: 100 });
console.log(t.status, t.signal, t.error && t.error.code);
console.log(JSON.stringify(text(execFileSync("echo", ["a", "b"]))));
console.log(JSON.stringify(cp.execSync("echo shell | tr a-z A-Z", { encoding: "utf8" })));
try {
  cp.execSync("echo out; echo bad >&2; exit 2", { stdio: "pipe" });
} catch (err) {
  console.log(JSON.stringify(err.message), JSON.stringify(Object.keys(err)), err.status, JSON.stringify(text(err.stdout)));
}
try {
  execFileSync("sh", ["-c", "exit 4"]);
} catch (err) {
  console.log(JSON.stringify(err.message), err.status);
}

await new Promise((resolve) => {
  cp.exec("echo a; exit 5", (err, stdout, stderr) => {
    console.log(JSON.stringify(err.message), JSON.stringify(Object.keys(err)), err.code, err.killed, err.signal, JSON.stringify(stdout), JSON.stringify(stderr));
    cp.execFile("nonexistent-howth-probe", ["q"], (err2, out2) => {
      console.log(JSON.stringify(err2.message), err2.code, err2.errno, err2.syscall, JSON.stringify(err2.spawnargs), JSON.stringify(out2));
      cp.execFile("sh", ["-c", "printf 'x y'"], (err3, out3, e3) => {
        console.log(err3, JSON.stringify(out3), JSON.stringify(e3));
        resolve();
      });
    });
  });
});

await new Promise((resolve) => {
  const child = cp.spawn("sh", ["-c", "read line; echo got:$line; echo to-err >&2; exit 7"]);
  const seen = [];
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (d) => seen.push(`out ${JSON.stringify(d)}`));
  child.stderr.on("data", (d) => seen.push(`err ${JSON.stringify(text(d))}`));
  child.on("exit", (code, sig) => seen.push(`exit ${code} ${sig}`));
  child.on("close", (code) => {
    seen.push(`close ${code}`);
    console.log(seen.sort().join(" | "), typeof child.pid, child.exitCode);
    resolve();
  });
  child.stdin.write("hello\n");
  child.stdin.end();
});

await new Promise((resolve) => {
  const child = cp.spawn("nonexistent-howth-probe");
  child.on("error", (err) => {
    console.log("spawn error", err.code, err.syscall, err.message);
    resolve();
  });
});
