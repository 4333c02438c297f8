// node:path, Windows flavour (pure string functions, on any OS).
import { win32 } from "node:path";

const inputs = ["", "C:", "C:\\", "C:/", "C:\\a", "C:a", "c:\\a\\b\\", "\\", "\\a", "/a/b", "a\\b", "a/b\\c",
  "\\\\server\\share", "\\\\server\\share\\", "\\\\server\\share\\x\\y", "C:\\a\\..\\..\\b", "a\\..\\..", ".\\a",
  "C:\\x.tar.gz", "\\\\?\\C:\\x", "C:\\.hidden", "C:\\a\\b.c\\", "file.txt", "C:\\a\\\\b"];
for (const p of inputs) {
  console.log(JSON.stringify(p), JSON.stringify([win32.normalize(p), win32.dirname(p), win32.basename(p),
    win32.extname(p), win32.isAbsolute(p)]));
  console.log(" parse", JSON.stringify(win32.parse(p)));
}
const joins = [["C:\\a", "b"], ["C:", "a"], ["a", "b", "..", "c"], ["\\\\server", "share"], ["\\", "a"], ["", "x"], ["C:\\a", "..", ".."]];
for (const j of joins) console.log("join", JSON.stringify(j), JSON.stringify(win32.join(...j)));
const res = [["C:\\a", "b"], ["C:\\a", "D:\\b"], ["C:\\a", "\\b"], ["\\\\s\\sh\\a", "..\\b"], ["C:\\a\\b", "..", "c"]];
for (const r of res) console.log("resolve", JSON.stringify(r), JSON.stringify(win32.resolve(...r)));
const rels = [["C:\\a\\b", "C:\\a\\c"], ["C:\\a", "C:\\A"], ["C:\\a", "D:\\b"], ["C:\\a\\b\\c", "C:\\a"]];
for (const [f, t] of rels) console.log("relative", f, t, JSON.stringify(win32.relative(f, t)));
console.log(win32.sep, win32.delimiter, win32.toNamespacedPath("C:\\a"), win32.toNamespacedPath("\\\\s\\sh\\a"));
