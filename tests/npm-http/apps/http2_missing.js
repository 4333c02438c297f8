// Under howth, node:http2's entry points throw ERR_NOT_IMPLEMENTED naming
// themselves (node implements them; this script is howth's side only).
const http2 = require("http2");

for (const [name, call] of [
  ["createServer", () => http2.createServer(() => {})],
  ["createSecureServer", () => http2.createSecureServer({})],
  ["connect", () => http2.connect("http://127.0.0.1:1")],
]) {
  try {
    call();
    console.log(name, "returned");
  } catch (e) {
    console.log(name, e.code, e.message);
  }
}
