// fs Sync forms: files, directories, stats, errors with Node's fields.
import fs from "node:fs";
import os from "node:os";

const dir = fs.mkdtempSync(`${os.tmpdir()}/probe-fs-`);
const p = (n) => `${dir}/${n}`;
const show = (e) => console.log("error", e.code, e.errno, e.syscall, e.path === undefined ? "-" : e.path.replace(dir, "DIR"), e.dest === undefined ? "-" : e.dest.replace(dir, "DIR"), e.message.replaceAll(dir, "DIR"), JSON.stringify(Object.keys(e)));
const attempt = (f) => { try { const r = f(); console.log("ok", r === undefined ? "undefined" : typeof r === "string" ? r.replaceAll(dir, "DIR") : r); } catch (e) { show(e); } };

fs.writeFileSync(p("a.txt"), "hello");
fs.appendFileSync(p("a.txt"), " world");
console.log(fs.readFileSync(p("a.txt"), "utf8"));
console.log(fs.readFileSync(p("a.txt"), { encoding: "utf8" }));
console.log(new TextDecoder().decode(fs.readFileSync(p("a.txt"))));
console.log(fs.readFileSync(p("a.txt")).length);
fs.writeFileSync(p("bytes.bin"), new Uint8Array([0, 1, 2, 255]));
console.log(Array.from(fs.readFileSync(p("bytes.bin"))).join(","));
console.log(fs.readFileSync(p("a.txt"), "latin1"));

const st = fs.statSync(p("a.txt"));
console.log(st.size, st.isFile(), st.isDirectory(), st.isSymbolicLink(), st.mtime instanceof Date, typeof st.mtimeMs, st.nlink);
console.log(JSON.stringify(Object.keys(st)));
console.log(fs.statSync(dir).isDirectory());

attempt(() => fs.mkdirSync(p("x/y/z"), { recursive: true }));
attempt(() => fs.mkdirSync(p("x/y/z"), { recursive: true }));
attempt(() => fs.mkdirSync(p("x")));
attempt(() => fs.mkdirSync(p("m")));
fs.writeFileSync(p("x/y/f.txt"), "f");
console.log(JSON.stringify(fs.readdirSync(dir)));
for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
  console.log(d.name, d.isFile(), d.isDirectory(), d.isSymbolicLink(), d.parentPath === dir);
}

attempt(() => fs.readFileSync(p("missing.txt")));
attempt(() => fs.readFileSync(p("missing.txt"), "utf8"));
attempt(() => fs.readFileSync(dir));
attempt(() => fs.statSync(p("missing")));
attempt(() => fs.lstatSync(p("missing")));
attempt(() => fs.readdirSync(p("a.txt")));
attempt(() => fs.readdirSync(p("missing")));
attempt(() => fs.rmdirSync(p("x")));
attempt(() => fs.unlinkSync(p("missing")));
attempt(() => fs.renameSync(p("missing"), p("other")));
attempt(() => fs.copyFileSync(p("missing"), p("other")));
attempt(() => fs.writeFileSync(p("nodir/a.txt"), "x"));
attempt(() => fs.writeFileSync(p("a.txt"), "x", { flag: "wx" }));
attempt(() => fs.rmSync(p("x")));
attempt(() => fs.rmSync(p("missing")));
attempt(() => fs.rmSync(p("missing"), { force: true }));
attempt(() => fs.accessSync(p("missing")));
attempt(() => fs.openSync(p("missing"), "r"));
attempt(() => fs.readlinkSync(p("a.txt")));
attempt(() => fs.symlinkSync(p("a.txt"), p("x")));

console.log(fs.existsSync(p("a.txt")), fs.existsSync(p("missing")));
fs.copyFileSync(p("a.txt"), p("b.txt"));
attempt(() => fs.copyFileSync(p("a.txt"), p("b.txt"), fs.constants.COPYFILE_EXCL));
fs.renameSync(p("b.txt"), p("c.txt"));
console.log(fs.readFileSync(p("c.txt"), "utf8"), fs.existsSync(p("b.txt")));
fs.symlinkSync(p("c.txt"), p("link"));
console.log(fs.readlinkSync(p("link")).replace(dir, "DIR"), fs.lstatSync(p("link")).isSymbolicLink(), fs.statSync(p("link")).isFile());
console.log(fs.realpathSync(p("link")) === fs.realpathSync(p("c.txt")));
fs.chmodSync(p("c.txt"), 0o600);
console.log((fs.statSync(p("c.txt")).mode & 0o777).toString(8));
fs.chmodSync(p("c.txt"), "644");
console.log((fs.statSync(p("c.txt")).mode & 0o777).toString(8));
fs.utimesSync(p("c.txt"), 1000, 2000);
console.log(fs.statSync(p("c.txt")).mtimeMs, fs.statSync(p("c.txt")).atime.toISOString());
fs.utimesSync(p("c.txt"), new Date(5000), new Date(7500));
console.log(fs.statSync(p("c.txt")).mtimeMs);
fs.truncateSync(p("c.txt"), 3);
console.log(fs.readFileSync(p("c.txt"), "utf8"));
fs.unlinkSync(p("link"));

// fds
const fd = fs.openSync(p("fd.txt"), "w+");
console.log(typeof fd, fs.writeSync(fd, "abcdef"), fs.writeSync(fd, new Uint8Array([120, 121]), 0, 2, 0));
const buf = new Uint8Array(10);
console.log(fs.readSync(fd, buf, 0, 10, 0), new TextDecoder().decode(buf.subarray(0, 6)));
console.log(fs.fstatSync(fd).size);
fs.ftruncateSync(fd, 2);
fs.closeSync(fd);
attempt(() => fs.closeSync(fd));
attempt(() => fs.fstatSync(fd));
console.log(fs.readFileSync(p("fd.txt"), "utf8"));

// argument errors
attempt(() => fs.readFileSync(true));
attempt(() => fs.readFileSync({}));
attempt(() => fs.openSync(p("a.txt"), "bogus"));
attempt(() => fs.readFileSync(p("a\u0000b")));

const tmp = fs.mkdtempSync(p("t-"));
const base = tmp.slice(dir.length + 1);
console.log(base.length, base.startsWith("t-"), fs.statSync(tmp).isDirectory());
fs.rmSync(dir, { recursive: true });
console.log(fs.existsSync(dir));
