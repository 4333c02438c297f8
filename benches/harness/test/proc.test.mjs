import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseProcStat, parseProcStatus, cpuTicks, cpuUsPerRequest, parseCpuTimes, cpuNoise } from "../lib.mjs";

// Fields 3.. of a real stat line; utime (14) = 1500, stime (15) = 250, cutime 7, cstime 3,
// num_threads (20) = 9, starttime (22) = 4242, rss (24) = 5120 pages.
const TAIL = "S 1 1234 1234 0 -1 4194560 3000 0 0 0 1500 250 7 3 20 0 9 0 4242 123456789 5120 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0";

test("parseProcStat splits after the last ')' when comm contains ') ('", () => {
  const st = parseProcStat(`4321 (evil) (name x) ${TAIL}\n`);
  assert.equal(st.pid, 4321);
  assert.equal(st.comm, "evil) (name x");
  assert.equal(st.state, "S");
  assert.equal(st.ppid, 1);
  assert.equal(st.utime, 1500);
  assert.equal(st.stime, 250);
  assert.equal(st.cutime, 7);
  assert.equal(st.cstime, 3);
  assert.equal(st.numThreads, 9);
  assert.equal(st.starttime, 4242);
  assert.equal(st.rssPages, 5120);
  assert.equal(cpuTicks(st), 1750);
});

test("parseProcStat handles a comm with spaces and a lone ')'", () => {
  assert.equal(parseProcStat(`7 (a b) ${TAIL}`).utime, 1500);
  assert.equal(parseProcStat(`7 ()) ${TAIL}`).comm, ")");
  assert.equal(parseProcStat(`7 ()) ${TAIL}`).stime, 250);
});

test("parseProcStat reads this process's real /proc/self/stat", () => {
  const st = parseProcStat(readFileSync("/proc/self/stat", "utf8"));
  assert.equal(st.pid, process.pid);
  assert.ok(st.numThreads >= 1);
  assert.ok(cpuTicks(st) >= 0);
});

test("parseProcStat rejects malformed text", () => {
  assert.throws(() => parseProcStat("garbage"));
  assert.throws(() => parseProcStat("1 (x) S"));
});

test("parseProcStatus reads VmHWM and VmRSS in kB", () => {
  const s = parseProcStatus("Name:\tbun\nVmHWM:\t  123456 kB\nVmRSS:\t   65432 kB\nThreads:\t7\n");
  assert.equal(s.Name, "bun");
  assert.equal(s.VmHWM, 123456);
  assert.equal(s.VmRSS, 65432);
  assert.equal(s.Threads, 7);
  const self = parseProcStatus(readFileSync("/proc/self/status", "utf8"));
  assert.ok(self.VmHWM >= self.VmRSS * 0.5 && self.VmHWM > 1000);
});

test("cpuUsPerRequest: ticks over the window / clock rate / requests", () => {
  // 50 ticks at 100 Hz = 0.5 s of CPU for 40,000 requests = 12.5 µs each.
  assert.equal(cpuUsPerRequest(1000, 1050, 100, 40000), 12.5);
  assert.equal(cpuUsPerRequest(0, 0, 100, 10), 0);
  assert.equal(cpuUsPerRequest(0, 10, 100, 0), null);
  assert.equal(cpuUsPerRequest(10, 5, 100, 10), null, "time cannot run backwards");
});

test("parseCpuTimes reads per-CPU busy, idle and steal ticks from /proc/stat", () => {
  const t = parseCpuTimes("cpu  125566 90959 24830 72942 683 0 759 1318 0 0\ncpu0 100 10 40 800 20 5 5 20 0 0\nintr 1 2 3\n");
  assert.deepEqual(t.cpu0, { busy: 160, idle: 820, steal: 20, total: 1000 });
  assert.ok(t.cpu);
  assert.equal(t.intr, undefined);
  const real = parseCpuTimes(readFileSync("/proc/stat", "utf8"));
  assert.ok(real.cpu0.total > 0);
});

test("cpuNoise: the share of the server's core that others and the hypervisor took", () => {
  const before = { busy: 1000, idle: 0, steal: 0, total: 1000 };
  const after = { busy: 1450, idle: 0, steal: 50, total: 1500 };
  // 500 ticks elapsed: server 300, others 150 busy ticks, 50 stolen.
  assert.deepEqual(cpuNoise(before, after, 300), { other: 0.3, steal: 0.1 });
  // tick rounding can make the server look busier than its core: never negative
  assert.equal(cpuNoise(before, after, 460).other, 0);
  assert.deepEqual(cpuNoise(null, after, 0), { other: null, steal: null });
});
