// The client of `make bench-download`: fetches DOWNLOAD_URL and reads its
// body to the end, counting bytes, then prints the count. One web-standard
// file run unchanged by Howth (`howth run`), Bun (`bun run`) and Deno
// (`deno run`).
const url = globalThis.process?.env.DOWNLOAD_URL ?? "http://127.0.0.1:3010/";
const res = await fetch(url);
const reader = res.body!.getReader();
let bytes = 0;
for (;;) {
  const { value, done } = await reader.read();
  if (done) break;
  bytes += value.byteLength;
}
console.log(bytes);
