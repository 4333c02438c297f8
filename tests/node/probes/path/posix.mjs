// node:path, POSIX: every function over inputs that hit the edge cases.
import path, { posix, join, resolve } from "node:path";
import posixOnly from "node:path/posix";

const inputs = ["", ".", "..", "/", "//", "///", "a", "a/", "/a", "/a/", "a/b", "a//b", "/a/b/c", "/a/b/c/",
  "a/./b", "a/../b", "../a", "./a", "a/..", "/..", "/../a", "a/b/../../..", "...", ".a", "a.", ".a.", "..a",
  "a..", "a.b.c", "/x/.y", "/x/y.tar.gz", "x/y/", "//a", "///a///b///", "a\\b", "C:\\x"];
for (const p of inputs) {
  console.log(JSON.stringify(p), JSON.stringify([posix.normalize(p), posix.dirname(p), posix.basename(p),
    posix.extname(p), posix.isAbsolute(p), posix.basename(p, ".c"), posix.basename(p, "b")]));
  console.log(" parse", JSON.stringify(posix.parse(p)), JSON.stringify(posix.format(posix.parse(p))));
}
const joins = [[], [""], ["", ""], ["a", "b"], ["/a", "/b"], ["a", "", "b"], ["a/", "/b/"], ["..", "a"], ["/", ".."],
  ["a", "..", ".."], ["./", "x"], ["/a", "b", "../../.."]];
for (const j of joins) console.log("join", JSON.stringify(j), JSON.stringify(join(...j)));
const rels = [["/a/b/c", "/a/d"], ["/a", "/a"], ["/", "/a/b"], ["/a/b", "/"], ["/a/b/c", "/a/b/c/d"], ["/foo/bar", "/foo/barbaz"],
  ["/a/b", "/a/bc"], ["a", "b"]];
for (const [f, t] of rels) console.log("relative", f, t, JSON.stringify(posix.relative(f, t)));
console.log(resolve("/x", "y", "..", "z"), resolve("/"), resolve("/a/b", "/c"), resolve("/a", "b/") );
console.log(resolve("rel") === path.join(process.cwd(), "rel"), resolve() === process.cwd());
console.log(path.sep, path.delimiter, path === posix, posix.posix === posix, posixOnly.sep, path.toNamespacedPath("/a"));
console.log(posix.format({ root: "/", dir: "/home", base: "f.txt" }), posix.format({ name: "f", ext: "txt" }),
  posix.format({ root: "/", name: "f", ext: ".x" }), posix.format({ dir: "d", name: "n", ext: ".e", base: "b" }));
for (const bad of [1, null, undefined, {}]) {
  try {
    path.join("a", bad);
  } catch (e) {
    console.log(e.name, e.code, e.message);
  }
}
try {
  path.basename("a", 3);
} catch (e) {
  console.log(e.code, e.message);
}
