// CommonJS requiring packages (their require conditions), JSON and itself.
const ms = require("ms");
const { kebabCase } = require("lodash");
const { z } = require("zod");
const dateFns = require("date-fns");
const pkg = require("../package.json");
console.log("require", ms("1d"), kebabCase("fooBar"), z.string().parse("s"));
console.log("date-fns cjs", dateFns.format(new Date(2020, 5, 1), "MMM d"));
console.log("json", pkg.private, typeof require.resolve, require.resolve("ms").endsWith("/node_modules/ms/index.js"));
console.log("main", require.main === module, typeof __filename, __dirname.endsWith("/probes"), module.id, this === module.exports);
console.log("cache", Object.keys(require.cache).some((k) => k.endsWith("/ms/index.js")), require("ms") === ms);
try {
  require("no-such-package-here");
} catch (e) {
  console.log("missing", e.code);
}
try {
  require("hono/no-such-subpath");
} catch (e) {
  console.log("not exported", e.code);
}
