// A fixed number of GET requests over C keep-alive connections, D in
// flight per connection (D = 1: one request per round trip; D = 16:
// pipelined). Unlike wrk and oha, which run for a time, it sends an exact
// count, so that instructions counted in the server divide by it.
//
//   node load.mjs --port P [--path /] [--connections 50] [--depth 1] [--requests 20000]
//
// Every response must be a 200; it exits non-zero otherwise. Responses are
// counted by their status lines, so the app's bodies must not contain
// "HTTP/1.1 " (the apps measured answer "Hi").

import net from "node:net";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    path: { type: "string", default: "/" },
    connections: { type: "string", default: "50" },
    depth: { type: "string", default: "1" },
    requests: { type: "string", default: "20000" },
  },
});
const port = Number(values.port);
const connections = Number(values.connections);
const depth = Number(values.depth);
const total = Number(values.requests);
if (!port || total % (connections * depth) !== 0) {
  console.error("load.mjs: --port is required; --requests must be a multiple of connections x depth");
  process.exit(2);
}
const rounds = total / (connections * depth);
const round = Buffer.from(`GET ${values.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`.repeat(depth));
const STATUS = "HTTP/1.1 ";

/** Runs one connection's rounds; resolves when its last response is in. */
function drive() {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1");
    let left = rounds;
    let pending = 0;
    let tail = "";
    const send = () => {
      left--;
      pending = depth;
      sock.write(round);
    };
    sock.setEncoding("latin1");
    sock.on("connect", send);
    sock.on("data", (chunk) => {
      // Keep a few bytes back so a status line split across reads is seen once.
      const text = tail + chunk;
      let at = text.indexOf(STATUS);
      let last = -1;
      while (at !== -1 && at + STATUS.length + 3 <= text.length) {
        const code = text.slice(at + STATUS.length, at + STATUS.length + 3);
        if (code !== "200") return reject(new Error(`load.mjs: status ${code} from ${values.path}`));
        pending--;
        last = at + STATUS.length + 3;
        at = text.indexOf(STATUS, last);
      }
      tail = text.slice(Math.max(last, text.length - STATUS.length - 2));
      if (pending === 0) {
        if (left === 0) {
          sock.end();
          resolve();
        } else {
          send();
        }
      }
    });
    sock.on("error", reject);
    sock.on("close", () => (left > 0 || pending > 0) && reject(new Error("load.mjs: connection closed early")));
  });
}

try {
  await Promise.all(Array.from({ length: connections }, drive));
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
