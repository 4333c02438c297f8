// Howth's no-JS baseline: Rust answers every request with "Hi"; no JS runs
// per request. The floor that the JS apps are measured against.
// The port comes from `howth run --port N` or the PORT environment variable.
declare const Howth: { serveRustOnly(opts: { port?: number; body: string }): void };
declare const process: { env: Record<string, string | undefined> } | undefined;

const env = typeof process !== "undefined" ? process.env.PORT : undefined;
Howth.serveRustOnly({ port: env ? Number(env) : undefined, body: "Hi" });
