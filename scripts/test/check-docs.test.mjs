// scripts/check-docs.mjs: each rule rejects what it should.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  PENDING_PAGES,
  checkLink,
  docFlags,
  helpFlags,
  links,
  parse,
  parseTest,
  region,
  root,
  envVariables,
  runBlock,
  serveOptions,
  shellWords,
  slug,
} from "../check-docs.mjs";

const opts = { tracked: null, headingsOf: (p) => (p === "docs/x.md" ? ["how-it-works"] : []) };

test("links that leave the repository are refused", () => {
  assert.match(checkLink("README.md", "https://example.com/", opts)[0], /outside/);
  assert.match(checkLink("README.md", "//example.com/x", opts)[0], /outside/);
  assert.match(checkLink("docs/a.md", "../../shared/DESIGN.md", opts)[0], /leaves/);
  assert.match(checkLink("README.md", "mailto:a@b.c", opts)[0], /outside/);
});

test("relative links must name a file; pending pages only while missing", () => {
  assert.deepEqual(checkLink("README.md", "Makefile", opts), []);
  assert.deepEqual(checkLink("docs/cli.md", "../examples/hello.ts", opts), []);
  assert.match(checkLink("README.md", "docs/nope.md", opts)[0], /no such file/);
  for (const p of PENDING_PAGES) {
    if (!existsSync(path.join(root, p))) assert.deepEqual(checkLink("README.md", p, opts), []);
  }
});

test("untracked files and missing anchors are refused", () => {
  const tracked = new Set(["README.md"]);
  assert.match(checkLink("README.md", "Makefile", { ...opts, tracked })[0], /not in the repository/);
  assert.match(checkLink("README.md", "docs/cli.md#nowhere", opts)[0], /no heading/);
});

test("links are found in prose, not in inline code", () => {
  const { prose, blocks, headings } = parse("# How it works\n[a](b.md) `[c](d.md)` [e]: f.md\n```ts\n[x](y.md)\n```\n");
  assert.deepEqual(
    links(prose).map((l) => l.target),
    ["b.md"],
  );
  assert.equal(blocks.length, 1);
  assert.deepEqual(headings, ["how-it-works"]);
  assert.deepEqual(links(parse("[e]: f.md\n").prose).map((l) => l.target), ["f.md"]);
});

test("slugs follow GitHub's", () => {
  assert.equal(slug("`howth run [flags] <file> [args...]`"), "howth-run-flags-file-args");
  assert.equal(slug("How it works: where V8 comes from"), "how-it-works-where-v8-comes-from");
});

test("directives attach to the block below them", () => {
  const { blocks } = parse("<!-- test\nGET / -> 200 Hi\n-->\n```ts\nx\n```\n\n<!-- norun: why -->\n\n```sh\ny\n```\n```text\nz\n```\n");
  assert.equal(blocks[0].directive, "test\nGET / -> 200 Hi");
  assert.equal(blocks[1].directive, "norun: why");
  assert.equal(blocks[2].directive, null);
});

test("test directives parse into requests", () => {
  const t = parseTest('test\nGET /a -> 200 Hi there\nPOST /e {"a":1} -> 201 ~"a"\nstdout: x y\nexit: 1');
  assert.deepEqual(t.requests[0], { method: "GET", target: "/a", body: null, status: 200, expect: "Hi there" });
  assert.deepEqual(t.requests[1], { method: "POST", target: "/e", body: '{"a":1}', status: 201, expect: '~"a"' });
  assert.equal(t.stdout, "x y");
  assert.equal(t.exit, 1);
  assert.throws(() => parseTest("test\nGET /a 200"), /->/);
});

test("regions are cut out of example files and unindented", () => {
  const src = "a\n    // [docs:r]\n    let x = 1;\n    if x {\n        y();\n    }\n    // [/docs:r]\nb\n";
  assert.equal(region(src, "r"), "let x = 1;\nif x {\n    y();\n}\n");
  assert.equal(region(src, "missing"), null);
  assert.equal(region(src, undefined), src);
});

test("--help: flags found, and a flag whose text wraps is caught", () => {
  const oneLine = "Options:\n  -p, --port <PORT>  Port\n      --v8-threads   Threads\n  -h, --help         Print help\n";
  const h = helpFlags(oneLine);
  assert.deepEqual([...h.flags], ["--port", "--v8-threads", "--help"]);
  assert.deepEqual(h.bad, []);
  const twoLines = "Limits:\n      --max-body-bytes <BYTES>\n          Largest request body\n      --idle-timeout-ms <MS>\n          Idle\n";
  assert.equal(helpFlags(twoLines).bad.length, 2);
});

test("docs/cli.md sections list their flags", () => {
  const s = docFlags("## `howth run [flags] <file>`\n\n| flag | what |\n|---|---|\n| `--port N`, `-p N` | port |\n| `--v8-threads` | x |\n\n## `howth`\n| `--version` | v |\n");
  assert.deepEqual([...s.get("howth run")], ["--port", "--v8-threads"]);
  assert.deepEqual([...s.get("howth")], ["--version"]);
});

test("shell words keep quoted arguments together", () => {
  assert.deepEqual(shellWords('make bench BENCH_ARGS="--load wrk"'), ["make", "bench", "BENCH_ARGS=--load wrk"]);
});

const howth = path.join(root, "target/release/howth");
test("an example whose answer differs from its directive fails", { skip: !existsSync(howth) && "no built howth" }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "check-docs-test-"));
  try {
    const block = { line: 1, lang: "ts", code: 'export default { fetch: () => new Response("Hi") };\n' };
    assert.deepEqual(await runBlock(howth, dir, block, parseTest("test\nGET / -> 200 Hi")), []);
    const wrong = await runBlock(howth, dir, block, parseTest("test\nGET / -> 200 Bye"));
    assert.match(wrong.join("\n"), /body "Hi", expected "Bye"/);
    const script = { line: 2, lang: "ts", code: 'console.log("out"); throw new Error("boom");\n' };
    const failed = await runBlock(howth, dir, script, parseTest("test"));
    assert.match(failed.join("\n"), /exit 1, expected 0/);
    assert.match(failed.join("\n"), /boom/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the variables and serve options the code reads are found", () => {
  const env = envVariables();
  assert.ok(env.includes("HOWTH_TRACE") && env.includes("HOWTH_SNAPSHOT"), env.join(" "));
  assert.ok(env.every((n) => /^HOWTH_[A-Z0-9_]+$/.test(n)));
  const opts = serveOptions();
  assert.ok(opts.includes("maxBodyBytes") && opts.includes("shutdownTimeoutMs"), opts.join(" "));
});
