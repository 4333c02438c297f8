// A node:http server with a short headersTimeout, for the slow-client test.
const http = require("http");

const server = http.createServer((req, res) => res.end("ok"));
server.headersTimeout = 300;
server.listen(0, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${server.address().port}/`);
});
