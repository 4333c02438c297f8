// Howth's no-JS baseline: Rust answers every request with "Hi"; no JS runs
// per request. The floor that the JS apps are measured against.
// The port comes from `howth run --port N` or the PORT environment variable.
Howth.serveRustOnly({ hostname: "127.0.0.1", body: "Hi" });
