// pino logging to files through sonic-boom, its real destination: a
// synchronous one and an asynchronous one (written on the worker pool,
// flushed with fs.fsync), child loggers, levels, serializers, redaction.
import fs from "node:fs";
import os from "node:os";
import pino from "pino";

const dir = fs.mkdtempSync(`${os.tmpdir()}/probe-pino-`);
const opts = {
  base: undefined,
  timestamp: false,
  redact: ["secret", "nested.token"],
  serializers: { err: pino.stdSerializers.err },
};

const syncFile = `${dir}/sync.log`;
const syncLog = pino(opts, pino.destination({ dest: syncFile, sync: true }));
syncLog.info("hello %s", "world");
syncLog.warn({ secret: "s3", nested: { token: "t", keep: 1 } }, "redacted");
syncLog.child({ reqId: 7 }).error({ n: 1.5, list: [1, "two", null] }, "child");
syncLog.debug("below the level: not written");
const e = new Error("boom");
e.stack = "Error: boom\n    at fixed";
syncLog.error({ err: e }, "with error");
console.log(fs.readFileSync(syncFile, "utf8").trimEnd());

const asyncFile = `${dir}/async.log`;
const dest = pino.destination({ dest: asyncFile, sync: false, minLength: 4096 });
await new Promise((resolve) => dest.once("ready", resolve));
const asyncLog = pino({ ...opts, level: "trace", customLevels: { audit: 35 } }, dest);
for (let i = 0; i < 200; i++) asyncLog.trace({ i }, "line");
asyncLog.audit("custom level");
// Not fatal(): pino flushes it synchronously, racing the write in flight
// (in Node too).
asyncLog.error("last");
// flush waits for the write in flight and syncs the file (fs.fsync);
// end writes what is still buffered and closes it.
await new Promise((resolve, reject) => dest.flush((err) => (err ? reject(err) : resolve())));
console.log("flushed", fs.readFileSync(asyncFile, "utf8").startsWith('{"level":10,"i":0,'));
dest.end();
await new Promise((resolve) => dest.once("close", resolve));
const lines = fs.readFileSync(asyncFile, "utf8").trimEnd().split("\n");
console.log(lines.length, lines[0], lines[199], lines[200], lines[201]);
console.log(pino.levels.values.info, Object.keys(pino.levels.labels).length, typeof pino.transport);
fs.rmSync(dir, { recursive: true });
