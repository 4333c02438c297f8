// One https.get against a Howth TLS server; prints status, a header and
// the body as one JSON line. Usage: node https_get.mjs PORT SERVERNAME CA_FILE
import https from "node:https";
import { readFileSync } from "node:fs";

const [port, servername, caFile] = process.argv.slice(2);
https.get({ host: "127.0.0.1", port: Number(port), servername, ca: readFileSync(caFile), path: "/hello", agent: false }, (res) => {
  let body = "";
  res.setEncoding("utf8");
  res.on("data", (d) => (body += d));
  res.on("end", () => {
    console.log(JSON.stringify({ status: res.statusCode, server: res.headers["server"], body, alpn: res.socket.alpnProtocol }));
  });
}).on("error", (err) => {
  console.log(JSON.stringify({ error: err.code || err.message }));
  process.exitCode = 1;
});
