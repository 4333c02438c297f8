// The proxy scenario of `make bench-proxy`: every request fetches a small
// JSON document from one local upstream (the C floor in its json mode, the
// same for every runtime) and answers with it. One web-standard file run
// unchanged by Howth (`howth run`), Bun (`bun run`) and Deno (`deno serve`).
const UPSTREAM = globalThis.process?.env.UPSTREAM ?? "http://127.0.0.1:3009/";
const JSON_TYPE = { "content-type": "application/json" };

export default {
  port: Number(globalThis.process?.env.PORT ?? 3000),
  hostname: "127.0.0.1",
  async fetch(): Promise<Response> {
    const upstream = await fetch(UPSTREAM);
    return new Response(await upstream.text(), { status: upstream.status, headers: JSON_TYPE });
  },
};
