// A node:http server with no framework: tests/node_http.rs runs it under
// node and under howth and compares the answers. CommonJS, and its
// package.json has no "type", as most Node apps.
const http = require("http");

const routes = {
  "/": (req, res) => {
    res.end("hello");
  },
  "/echo": (req, res) => {
    res.setHeader("Content-Type", "application/json");
    res.end(
      JSON.stringify({
        method: req.method,
        url: req.url,
        httpVersion: req.httpVersion,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        family: req.socket.remoteFamily,
        remote: req.socket.remoteAddress,
      }),
    );
  },
  "/body": (req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, { "content-type": "text/plain", "x-length": String(body.length) });
      res.end(`${req.method} ${body.toString("utf8")} complete=${req.complete}`);
    });
  },
  "/stream": (req, res) => {
    res.setHeader("X-Stream", "yes");
    res.write("one,");
    setTimeout(() => {
      res.write(Buffer.from("two,"));
      setTimeout(() => res.end("three"), 5);
    }, 5);
  },
  "/head": (req, res) => {
    res.writeHead(201, "Made", [
      ["Set-Cookie", "a=1"],
      ["Set-Cookie", "b=2"],
      ["X-Multi", "x"],
    ]);
    res.end();
  },
  "/flat": (req, res) => {
    res.writeHead(202, ["X-A", "1", "X-B", "2"]);
    res.end("flat");
  },
  "/headers": (req, res) => {
    res.setHeader("X-Num", 42);
    res.setHeader("X-List", ["p", "q"]);
    res.appendHeader("X-List", "r");
    res.setHeader("X-Gone", "1");
    res.removeHeader("x-gone");
    const before = res.headersSent;
    res.statusCode = 203;
    res.end(
      JSON.stringify({
        names: res.getHeaderNames(),
        list: res.getHeader("x-list"),
        has: res.hasHeader("X-NUM"),
        before,
      }),
    );
  },
  "/sent": (req, res) => {
    res.writeHead(200);
    let error = "none";
    try {
      res.setHeader("X-Late", "1");
    } catch (e) {
      error = e.code;
    }
    res.end(`headersSent=${res.headersSent} ${error}`);
  },
  "/empty": (req, res) => {
    res.statusCode = 204;
    res.end();
  },
  "/notmod": (req, res) => {
    res.writeHead(304, { ETag: '"v1"' });
    res.end();
  },
  "/async": (req, res) => {
    Promise.resolve().then(() => setTimeout(() => res.end("later"), 1));
  },
  "/throws": () => {
    throw new Error("boom in handler");
  },
  "/finish": (req, res) => {
    const events = [];
    res.on("finish", () => {
      events.push("finish");
    });
    res.on("close", () => {
      events.push("close");
      lastEvents = events.join(",");
    });
    res.end(`ended=${res.writableEnded}`);
  },
  "/events": (req, res) => {
    res.end(lastEvents);
  },
  "/big": (req, res) => {
    // Backpressure: write until write() says stop, then wait for 'drain'.
    let sent = 0;
    const piece = "x".repeat(64 * 1024);
    const pump = () => {
      while (sent < 64) {
        sent++;
        if (!res.write(piece)) return res.once("drain", pump);
      }
      res.end(`\nsent=${sent}`);
    };
    pump();
  },
};

let lastEvents = "";

const server = http.createServer((req, res) => {
  const route = routes[req.url.split("?")[0]];
  if (route) return route(req, res);
  res.statusCode = 404;
  res.end(`no route for ${req.url}`);
});

server.listen(0, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${server.address().port}/`);
});
