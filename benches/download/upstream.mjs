// The upstream of `make bench-download`: answers every GET with SIZE bytes
// (Content-Length framing), written from one 1 MiB buffer as fast as the
// socket takes them. Prints its port.
import net from "node:net";

const size = Number(process.argv[2] ?? 1 << 30);
const block = Buffer.alloc(1 << 20, 0x61);

const server = net.createServer((socket) => {
  socket.once("data", () => {
    socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: ${size}\r\nconnection: close\r\n\r\n`);
    let left = size;
    const more = () => {
      while (left > 0) {
        const n = Math.min(left, block.length);
        left -= n;
        if (!socket.write(n === block.length ? block : block.subarray(0, n))) {
          socket.once("drain", more);
          return;
        }
      }
      socket.end();
    };
    more();
  });
  socket.on("error", () => {});
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
