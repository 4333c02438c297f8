// A JSON endpoint: `howth run examples/json.ts`, then `curl localhost:3000`.
export default {
  fetch(_req: Request): Response {
    return Response.json({ message: "Hello, World!", runtime: "howth", version: Howth.version });
  },
} satisfies Howth.ServeExport;
