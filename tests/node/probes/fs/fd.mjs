// fs calls on descriptors: readFile/writeFile/appendFile with an fd,
// positions, and the standard streams by number.
import fs from "node:fs";
import os from "node:os";

const dir = fs.mkdtempSync(`${os.tmpdir()}/probe-fd-`);
const file = `${dir}/f.txt`;
fs.writeFileSync(file, "0123456789");
const fd = fs.openSync(file, "r+");
const two = new Uint8Array(2);
console.log(fs.readSync(fd, two, 0, 2, null), new TextDecoder().decode(two));
console.log(JSON.stringify(fs.readFileSync(fd, "utf8")));
fs.writeFileSync(fd, "AB");
fs.appendFileSync(fd, "CD");
console.log(JSON.stringify(fs.readFileSync(file, "utf8")));
fs.closeSync(fd);
try {
  fs.readFileSync(fd);
} catch (e) {
  console.log(e.code, e.syscall, e.message);
}
fs.writeFileSync(1, "to stdout by fd\n");
fs.writeSync(1, "writeSync to 1\n");
await new Promise((resolve) => fs.readFile(file, (err, b) => {
  console.log(err, b.length);
  resolve();
}));
fs.rmSync(dir, { recursive: true });
