// Connects to a Howth TLS server with node:tls, sends SIZE bytes, reads the
// echo of all of them, ends with close_notify and prints what it saw as
// one JSON line. Usage: node tls_echo_client.mjs PORT SERVERNAME CA_FILE SIZE
import tls from "node:tls";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

const [port, servername, caFile, size] = process.argv.slice(2);
const payload = Buffer.alloc(Number(size));
for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + (i >> 8)) & 0xff;

const socket = tls.connect({
  host: "127.0.0.1",
  port: Number(port),
  servername,
  ca: readFileSync(caFile),
  ALPNProtocols: ["http/1.1"],
});
const chunks = [];
let received = 0;
socket.on("secureConnect", () => {
  socket.write(payload);
});
socket.on("data", (chunk) => {
  chunks.push(chunk);
  received += chunk.length;
  if (received === payload.length) socket.end();
});
socket.on("end", () => {
  const echo = Buffer.concat(chunks);
  console.log(JSON.stringify({
    authorized: socket.authorized,
    alpn: socket.alpnProtocol,
    protocol: socket.getProtocol(),
    subject: socket.getPeerCertificate().subject.CN,
    received: echo.length,
    same: createHash("sha256").update(echo).digest("hex") === createHash("sha256").update(payload).digest("hex"),
    sentSha256: createHash("sha256").update(payload).digest("hex"),
  }));
});
socket.on("error", (err) => {
  console.log(JSON.stringify({ error: err.code || err.message }));
  process.exitCode = 1;
});
