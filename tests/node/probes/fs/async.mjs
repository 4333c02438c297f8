// fs callback and promise forms: same calls, completions on the loop.
import fs from "node:fs";
import fsp from "node:fs/promises";
import { readFile as readFileP } from "fs/promises";
import os from "node:os";

const dir = await fsp.mkdtemp(`${os.tmpdir()}/probe-fsa-`);
const p = (n) => `${dir}/${n}`;
const clean = (s) => String(s).replaceAll(dir, "DIR");

await fsp.writeFile(p("a.txt"), "one");
await fsp.appendFile(p("a.txt"), "two");
console.log(await readFileP(p("a.txt"), "utf8"));
console.log((await fsp.stat(p("a.txt"))).size);
console.log(clean(await fsp.mkdir(p("d/e"), { recursive: true })));
console.log(JSON.stringify(await fsp.readdir(dir)));
console.log((await fsp.readdir(dir, { withFileTypes: true })).map((d) => `${d.name}:${d.isDirectory()}`).join(" "));
await fsp.copyFile(p("a.txt"), p("b.txt"));
await fsp.rename(p("b.txt"), p("d/b.txt"));
console.log(await fsp.readFile(p("d/b.txt"), "utf8"));
await fsp.access(p("a.txt"));
for (const f of [() => fsp.readFile(p("nope")), () => fsp.stat(p("nope")), () => fsp.rename(p("nope"), p("x")), () => fsp.mkdir(p("d")), () => fsp.access(p("nope"))]) {
  await f().then(
    (v) => console.log("ok", v),
    (e) => console.log("rejected", e.code, e.errno, e.syscall, clean(e.message), JSON.stringify(Object.keys(e))),
  );
}

// FileHandle
const fh = await fsp.open(p("h.txt"), "w+");
console.log(typeof fh.fd, (await fh.write("hello handle")).bytesWritten);
const { bytesRead, buffer } = await fh.read(new Uint8Array(5), 0, 5, 6);
console.log(bytesRead, new TextDecoder().decode(buffer));
console.log((await fh.stat()).size);
await fh.truncate(5);
await fh.close();
console.log(await fsp.readFile(p("h.txt"), "utf8"));
const fh2 = await fsp.open(p("h.txt"));
console.log(await fh2.readFile("utf8"));
await fh2.close();

// callbacks, in order
await new Promise((resolve) => {
  fs.readFile(p("a.txt"), "utf8", (err, data) => {
    console.log("cb readFile", err, data);
    fs.stat(p("nope"), (err2) => {
      console.log("cb stat", err2.code, clean(err2.message));
      fs.writeFile(p("c.txt"), "cee", (err3) => {
        console.log("cb writeFile", err3);
        fs.readdir(dir, (err4, names) => {
          console.log("cb readdir", err4, JSON.stringify(names));
          fs.exists(p("c.txt"), (yes) => {
            console.log("cb exists", yes);
            fs.open(p("c.txt"), "r", (err5, fd) => {
              const b = new Uint8Array(3);
              fs.read(fd, b, 0, 3, 0, (err6, n, same) => {
                console.log("cb read", err6, n, same === b, new TextDecoder().decode(b));
                fs.close(fd, (err7) => {
                  console.log("cb close", err7);
                  resolve();
                });
              });
            });
          });
        });
      });
    });
  });
});

try {
  fs.readFile(p("a.txt"));
} catch (e) {
  console.log("no callback:", e.code, e.name);
}
await fsp.rm(dir, { recursive: true, force: true });
console.log(fs.existsSync(dir));
