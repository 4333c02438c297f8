// fs.cp / cpSync / fs.promises.cp: files, trees, links, and Node's SystemErrors.
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";

const dir = fs.mkdtempSync(`${os.tmpdir()}/probe-cp-`);
const p = (n) => `${dir}/${n}`;
const clean = (s) => String(s).replaceAll(dir, "DIR");
// info's key order differs between Node's rm and cp, and cpSync's EISDIR
// says errno 22 where fs.promises.cp says 21: printed sorted, and without
// that errno.
const sorted = (o) => JSON.stringify(Object.fromEntries(Object.entries(o).filter(([k]) => k !== "errno").sort()));
const show = (e) =>
  console.log("error", e.name, e.code, e.code === "ERR_FS_EISDIR" ? "-" : e.errno, e.syscall, clean(e.path), clean(e.message), JSON.stringify(Object.keys(e)), e.info ? clean(sorted(e.info)) : "-");
const attempt = (f) => {
  try {
    f();
    console.log("ok");
  } catch (e) {
    show(e);
  }
};

fs.mkdirSync(p("a/b"), { recursive: true });
fs.writeFileSync(p("a/b/f"), "x");
fs.writeFileSync(p("a/g"), "y");
fs.symlinkSync("g", p("a/link"));
attempt(() => fs.cpSync(p("a"), p("c")));
attempt(() => fs.cpSync(p("a"), p("c"), { recursive: true }));
console.log(JSON.stringify(fs.readdirSync(p("c"))), fs.readFileSync(p("c/b/f"), "utf8"), clean(fs.readlinkSync(p("c/link"))), fs.readFileSync(p("c/link"), "utf8"));
attempt(() => fs.cpSync(p("nope"), p("d")));
fs.writeFileSync(p("c/g"), "changed");
attempt(() => fs.cpSync(p("a/g"), p("c/g"), { force: false, errorOnExist: true }));
attempt(() => fs.cpSync(p("a/g"), p("c/g"), { force: false }));
console.log(fs.readFileSync(p("c/g"), "utf8"));
attempt(() => fs.cpSync(p("a/g"), p("c/g")));
console.log(fs.readFileSync(p("c/g"), "utf8"));
attempt(() => fs.cpSync(p("a"), p("a/b/z"), { recursive: true }));
attempt(() => fs.rmSync(p("a")));

await fsp.cp(p("a"), p("e"), { recursive: true });
console.log(JSON.stringify(fs.readdirSync(p("e"))));
await fsp.cp(p("a"), p("e2")).catch(show);
await new Promise((resolve) =>
  fs.cp(p("a/g"), p("h"), (err) => {
    console.log("cb cp", err, fs.readFileSync(p("h"), "utf8"));
    resolve();
  }),
);
fs.rmSync(dir, { recursive: true });
