// Golden test for console output: run with `howth run`, compare stdout
// with console.stdout and stderr with console.stderr.
console.log("plain", "strings", 1, true, null, undefined);
console.log({ a: 1, b: "two", c: [1, 2, 3], d: { e: { f: { g: 1 } } } });
console.log("%s is %d years and %i%% sure: %j", "Bob", 42.5, 99.9, { ok: true });
console.log("%o / %O", [1], { x: 1 });
console.log(new Map([["k", { v: 1 }]]), new Set(["a"]));
console.log([1n, Symbol("s"), -0, NaN]);
console.log(Array.from({ length: 30 }, (_, i) => i));
console.log();
console.info("info goes to stdout");
console.debug("debug goes to stdout");
console.warn("warn goes to stderr");
console.error("error goes to stderr", { code: 1 });
console.group("group");
console.log("indented\nboth lines");
console.group();
console.log("twice");
console.groupEnd();
console.groupEnd();
console.log("back");
console.count();
console.count();
console.count("x");
console.countReset();
console.count();
console.assert(true, "not printed");
console.assert(false, "printed %s", "to stderr");
console.assert(false);
console.table([{ a: 1, b: "x" }, { a: 2, c: true }]);
console.table(["p", "q"]);
console.dir({ deep: { deeper: { deepest: { gone: 1 } } } }, { depth: 0 });
class Point {
  constructor(public x: number, public y: number) {}
}
console.log([new Point(1, 2)], new Uint8Array([1, 2]));
