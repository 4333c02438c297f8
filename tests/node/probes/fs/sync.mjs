// fs.fsync/fdatasync in their sync, callback and promise forms, and their
// errors on a closed descriptor (code, errno, syscall as Node has them).
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";

const dir = fs.mkdtempSync(`${os.tmpdir()}/probe-sync-`);
const file = `${dir}/f.txt`;
const fd = fs.openSync(file, "w");
fs.writeSync(fd, "data");
console.log(fs.fsyncSync(fd), fs.fdatasyncSync(fd));
await new Promise((resolve) => fs.fsync(fd, (err, ...rest) => {
  console.log("fsync cb", err, rest.length);
  fs.fdatasync(fd, (err2) => {
    console.log("fdatasync cb", err2);
    resolve();
  });
}));
fs.closeSync(fd);
for (const name of ["fsyncSync", "fdatasyncSync"]) {
  try {
    fs[name](fd);
  } catch (e) {
    console.log(name, e.code, e.errno, e.syscall, e.message);
  }
}
await new Promise((resolve) => fs.fsync(fd, (err) => {
  console.log("closed fsync cb", err.code, err.errno, err.syscall);
  resolve();
}));
for (const bad of ["1", -1, 1.5]) {
  try {
    fs.fsyncSync(bad);
  } catch (e) {
    console.log("bad fd", JSON.stringify(bad), e.name, e.code);
  }
}
try {
  fs.fsync(fd);
} catch (e) {
  console.log("no callback", e.code);
}
const h = await fsp.open(file, "r+");
console.log(await h.sync(), await h.datasync());
await h.close();
console.log(fs.readFileSync(file, "utf8"));
// Calls that yield nothing call back with the error argument alone.
const arity = (name, call) => new Promise((resolve) => call((...a) => resolve(console.log(name, a.length, a[0]))));
await arity("mkdir", (cb) => fs.mkdir(`${dir}/m`, cb));
await arity("mkdir recursive", (cb) => fs.mkdir(`${dir}/n/o`, { recursive: true }, cb));
await arity("writeFile", (cb) => fs.writeFile(`${dir}/w`, "x", cb));
await arity("unlink", (cb) => fs.unlink(`${dir}/w`, cb));
await arity("access", (cb) => fs.access(dir, cb));
await arity("close", (cb) => fs.close(fs.openSync(file, "r"), cb));
fs.rmSync(dir, { recursive: true });
