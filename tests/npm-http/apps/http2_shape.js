// node:http2's shape as frameworks see it at import time: the constants
// (every one, sorted) and the names the module exports. Run under node and
// under howth, outputs compared; the entry points are checked separately.
const http2 = require("node:http2");

const c = http2.constants;
for (const key of Object.keys(c).sort()) console.log(key, c[key]);
console.log(Object.keys(http2).sort().join(" "));
console.log(typeof http2.sensitiveHeaders, typeof http2.createServer, typeof http2.connect);
