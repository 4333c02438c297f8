// Listening, a port already in use, closing, and the header checks: run to
// completion under node and under howth, outputs compared.
const http = require("http");

const first = http.createServer((req, res) => res.end("one"));
first.listen(0, () => {
  const port = first.address().port;
  const addr = first.address();
  console.log("listening", Object.keys(addr).join(","), addr.address, addr.family, first.listening);
  const second = http.createServer();
  second.on("error", (e) => {
    console.log("error", e.code, e.message.replace(String(port), "PORT"), e.syscall, e.errno, e.port === port);
    first.close(() => {
      console.log("closed", first.listening, first.address());
      first.close((err) => {
        console.log("close again", err.code);
        listenLocal();
      });
    });
  });
  second.listen(port);
});

function listenLocal() {
  const local = http.createServer();
  local.listen({ port: 0, host: "127.0.0.1" }, () => {
    console.log("local", local.address().address, local.address().family);
    local.close();
  });
}

for (const port of [70000, -1, 1.5, "99999"]) {
  try {
    http.createServer().listen(port);
  } catch (e) {
    console.log(e.code, e.message);
  }
}

for (const [name, value] of [["bad name", "x"], ["x", "a\r\nb"], ["x", undefined], ["", "v"], ["ok", "fine"]]) {
  try {
    http.validateHeaderName(name);
    http.validateHeaderValue(name, value);
    console.log("valid", name);
  } catch (e) {
    console.log(e.code, e.message);
  }
}

console.log(http.STATUS_CODES[418], http.STATUS_CODES[511], http.METHODS.length, http.METHODS.includes("QUERY"));
const s = http.createServer();
console.log(s.keepAliveTimeout, s.headersTimeout, s.requestTimeout, s.timeout, s.maxHeadersCount, s.listening, s.address());
