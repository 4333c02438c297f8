// fs.createReadStream: events in order ('open', 'ready', data, 'end',
// 'close'), start/end inclusive with a small highWaterMark, an encoding,
// a missing file's error, and destroy() closing the file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "howth-rs-"));
const p = path.join(dir, "rs.txt");
fs.writeFileSync(p, "0123456789abcdefghij");
const done = () => fs.rmSync(dir, { recursive: true });

const order = [];
const s = fs.createReadStream(p, { start: 2, end: 11, highWaterMark: 4 });
console.log(s instanceof fs.ReadStream, s instanceof Readable, s.pending, s.bytesRead, s.path === p);
for (const ev of ["open", "ready", "end", "close"]) s.on(ev, () => order.push(ev));
s.on("data", (c) => order.push("data:" + c.toString()));
s.on("close", () => {
  console.log(order.join(" "), s.bytesRead);
  let text = "";
  const t = fs.createReadStream(p, "utf8");
  t.on("data", (c) => (text += typeof c + ":" + c));
  t.on("end", () => {
    console.log(text);
    const m = fs.createReadStream(p + ".missing");
    m.on("error", (e) => console.log("error", e.code, e.syscall));
    m.on("close", () => {
      const d = fs.createReadStream(p);
      d.on("open", () => d.destroy());
      d.on("close", () => {
        console.log("destroyed", d.destroyed);
        done();
      });
    });
  });
});
