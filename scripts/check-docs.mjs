#!/usr/bin/env node
// Keeps README.md and docs/*.md true to the code. `make test` runs it:
//
//   node scripts/check-docs.mjs [path/to/howth]
//
// 1. Links. Every link is relative, stays inside the repository and names
//    a file (or folder) git tracks; `#anchors` name a heading of the page.
//    PENDING_PAGES are pages other branches are writing: a link to one is
//    accepted while it does not exist yet.
// 2. Code blocks. Every fenced block names its language:
//    - ts, js: written into a temporary folder (one per page, shared by the
//      page's blocks in order; a first line `// file: name.ts` names the
//      file) and run with `howth run --port 0`. A script must exit 0; a
//      server must print its address, answer the requests the directive
//      before the block lists (without one: GET / -> 200), then stop on
//      SIGTERM with exit 0.
//      Then all of them are type-checked with tsc --strict, as a user's
//      project would be (examples/tsconfig.json's options, lib esnext).
//    - rust: an include of a file under examples/ (see below), kept identical.
//    - sh: each command is checked, not run: `make X` names a Makefile
//      target, `howth ...` uses only commands and flags `--help` lists.
//    - json: data shown; it must parse.
//    - text: output, layouts and diagrams; never run.
// 3. The command line. docs/cli.md lists every flag of `howth --help`,
//    `howth run --help` and `howth bench http --help`, and no other, and
//    `--help` gives each flag one line. Every HOWTH_* variable the Rust
//    code reads is named in docs/, and every serve option (OPTION_NAMES in
//    loop/src/server.rs) has a row in docs/serving.md.
//
// Directives are HTML comments on the lines just before a block (GitHub
// does not show them):
//   <!-- test
//   GET /json -> 200 {"hello":"world"}
//   POST /echo {"a":1} -> 200 ~"a":1
//   stdout: hello
//   exit: 1
//   -->
//   <!-- include examples/embed.rs:builder -->  the block is that file's
//        region between `// [docs:builder]` and `// [/docs:builder]`
//        (or the whole file without `:region`), character for character.
//   <!-- file name.json -->  the block is written into the page's folder
//        as that file, for the blocks after it to import; not run.
//   <!-- norun: why -->  the block is shown, not run (keep these rare).
// A response body after the status is compared exactly (trimmed); with a
// leading `~` it need only contain the rest.
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Pages other engineers are writing on their own branches. A link to one of
 * them is accepted while the file is missing; once merged, delete its line
 * here so a broken link to it fails again.
 */
export const PENDING_PAGES = [];

/** The pages checked. */
export function pages(dir = root) {
  const docs = existsSync(path.join(dir, "docs"))
    ? readdirSync(path.join(dir, "docs"))
        .filter((f) => f.endsWith(".md"))
        .sort()
        .map((f) => `docs/${f}`)
    : [];
  return ["README.md", ...docs];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
export function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Splits a page into fenced blocks (with the directives above them) and prose lines. */
export function parse(text) {
  const lines = text.split("\n");
  const blocks = [];
  const prose = [];
  const headings = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!open) {
      prose.push({ line: i + 1, text: lines[i] });
      const h = /^#{1,6}\s+(.*)$/.exec(lines[i]);
      if (h) headings.push(slug(h[1]));
      continue;
    }
    const fence = open[2];
    const lang = open[3].trim().split(/\s+/)[0] ?? "";
    const start = i;
    const body = [];
    for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence); i++) body.push(lines[i]);
    blocks.push({ line: start + 1, lang, code: body.join("\n") + "\n", directive: directiveBefore(lines, start) });
  }
  return { blocks, prose, headings };
}

/** The HTML comment that ends on the line before `at` (blank lines allowed between), if any. */
function directiveBefore(lines, at) {
  let j = at - 1;
  while (j >= 0 && lines[j].trim() === "") j--;
  if (j < 0 || !lines[j].trimEnd().endsWith("-->")) return null;
  let k = j;
  while (k >= 0 && !lines[k].includes("<!--")) k--;
  if (k < 0) return null;
  const inner = lines
    .slice(k, j + 1)
    .join("\n")
    .replace(/^[\s\S]*?<!--/, "")
    .replace(/-->\s*$/, "")
    .trim();
  return inner;
}

/** Parses a `test` directive into requests, expected stdout and exit code. */
export function parseTest(directive) {
  const spec = { requests: [], stdout: null, exit: 0 };
  const lines = directive.split("\n").slice(1);
  for (const raw of lines) {
    const l = raw.trim();
    if (l === "") continue;
    if (l.startsWith("stdout:")) {
      spec.stdout = l.slice(7).trim();
      continue;
    }
    if (l.startsWith("exit:")) {
      spec.exit = Number(l.slice(5).trim());
      continue;
    }
    const arrow = l.indexOf(" -> ");
    if (arrow < 0) throw new Error(`test line without ' -> ': ${l}`);
    const [method, target, ...bodyParts] = l.slice(0, arrow).split(" ");
    const right = l.slice(arrow + 4);
    const sp = right.indexOf(" ");
    const status = Number(sp < 0 ? right : right.slice(0, sp));
    const expect = sp < 0 ? null : right.slice(sp + 1).trim();
    if (!/^[A-Z]+$/.test(method) || !target?.startsWith("/") || !Number.isInteger(status)) {
      throw new Error(`bad test line: ${l}`);
    }
    spec.requests.push({ method, target, body: bodyParts.length ? bodyParts.join(" ") : null, status, expect });
  }
  return spec;
}

/** Links in prose: [text](target) and [label]: target, skipping inline code. */
export function links(prose) {
  const out = [];
  for (const { line, text } of prose) {
    const noCode = text.replace(/`[^`]*`/g, "");
    for (const m of noCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ line, target: m[1] });
    const ref = /^\s*\[[^\]]+\]:\s*(\S+)/.exec(noCode);
    if (ref) out.push({ line, target: ref[1] });
    for (const m of noCode.matchAll(/<(https?:[^>\s]+)>/g)) out.push({ line, target: m[1] });
    for (const m of noCode.matchAll(/href="([^"]+)"/g)) out.push({ line, target: m[1] });
  }
  return out;
}

/** Problems with one link of `page`, or [] when it is fine. */
export function checkLink(page, target, { dir = root, tracked, headingsOf }) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) {
    return [`links outside the repository: ${target}`];
  }
  const [file, anchor] = target.split("#");
  const resolved = file === "" ? page : path.normalize(path.join(path.dirname(page), decodeURIComponent(file)));
  if (resolved.startsWith("..") || path.isAbsolute(resolved)) return [`leaves the repository: ${target}`];
  const rel = resolved.replace(/\/$/, "");
  const exists = existsSync(path.join(dir, rel));
  if (!exists) {
    if (PENDING_PAGES.includes(rel)) return [];
    return [`no such file: ${target}`];
  }
  if (tracked && !tracked.has(rel) && ![...tracked].some((t) => t.startsWith(`${rel}/`))) {
    return [`not in the repository (git does not track it; git add it?): ${target}`];
  }
  if (anchor !== undefined && rel.endsWith(".md") && statSync(path.join(dir, rel)).isFile()) {
    const heads = headingsOf(rel);
    if (!heads.includes(anchor)) return [`no heading #${anchor} in ${rel}`];
  }
  return [];
}

function trackedFiles() {
  try {
    return new Set(execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean));
  } catch {
    return null; // not a git checkout: existence is all we can check
  }
}

/** The region of an example file a block includes. */
export function region(source, name) {
  if (!name) return source;
  const open = `// [docs:${name}]`;
  const close = `// [/docs:${name}]`;
  const a = source.indexOf(open);
  const b = source.indexOf(close);
  if (a < 0 || b < a) return null;
  const from = source.indexOf("\n", a) + 1;
  const to = source.lastIndexOf("\n", b) + 1;
  // The region's lines, unindented by the open marker's indent.
  const indent = source.slice(source.lastIndexOf("\n", a) + 1, a);
  return source
    .slice(from, to)
    .split("\n")
    .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
    .join("\n");
}

/** Flags of one `--help` output: { flags: Set, badLines: [] }. */
export function helpFlags(help) {
  const flags = new Set();
  const bad = [];
  const lines = help.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s+(?:-[A-Za-z], )?(--[a-z0-9-]+)(.*)$/.exec(lines[i]);
    if (!m) continue;
    flags.add(m[1]);
    // One line each: the description sits on the flag's line, and the next
    // line is not a continuation of it.
    const rest = m[2].replace(/^ <[^>]+>| \[<[^>]+>\.\.\.\]/g, "").trim();
    const next = lines[i + 1] ?? "";
    if (rest === "" || (/^\s{8,}\S/.test(next) && !/^\s+-/.test(next))) bad.push(lines[i].trim());
  }
  return { flags, bad };
}

/** Flags docs/cli.md lists, per `## howth ...` section: the first `--flag` of each table row. */
export function docFlags(text) {
  const sections = new Map();
  let current = null;
  for (const line of text.split("\n")) {
    const h = /^##\s+`(howth[^`]*)`/.exec(line);
    if (h) {
      current = h[1].replace(/\s+<.*$|\s+\[.*$/, "").trim();
      sections.set(current, new Set());
      continue;
    }
    const row = /^\|\s*`(--[a-z0-9-]+)/.exec(line);
    if (row && current) sections.get(current).add(row[1]);
  }
  return sections;
}

// ---------------------------------------------------------------- running

function run(howth, args, opts = {}) {
  return spawnSync(howth, args, { encoding: "utf8", timeout: 30_000, ...opts });
}

async function request(port, { method, target, body }) {
  const res = await fetch(`http://127.0.0.1:${port}${target}`, {
    method,
    body: body ?? undefined,
    headers: body ? { "content-type": "application/json" } : {},
  });
  return { status: res.status, body: (await res.text()).trim() };
}

/** Runs one ts/js block; returns a list of problems. */
export async function runBlock(howth, dir, block, spec) {
  const first = /^\/\/\s*file:\s*(\S+)/.exec(block.code);
  const name = first ? first[1] : `block-${block.line}.${block.lang === "js" ? "js" : "ts"}`;
  writeFileSync(path.join(dir, name), block.code);
  const child = spawn(howth, ["run", "--port", "0", name], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const listening = new Promise((resolve) => {
    child.stdout.on("data", (d) => {
      stdout += d;
      const m = /Listening on http:\/\/[^:/]+:(\d+)\//.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  try {
    const first = await Promise.race([listening, exited.then((e) => ({ exit: e }))]);
    const problems = [];
    if (typeof first === "number") {
      const port = first;
      const reqs = spec.requests.length ? spec.requests : [{ method: "GET", target: "/", body: null, status: 200, expect: null }];
      for (const r of reqs) {
        let got;
        try {
          got = await request(port, r);
        } catch (e) {
          problems.push(`${r.method} ${r.target}: ${e.cause?.message ?? e.message}`);
          continue;
        }
        if (got.status !== r.status) problems.push(`${r.method} ${r.target}: status ${got.status}, expected ${r.status}`);
        if (r.expect !== null) {
          const ok = r.expect.startsWith("~") ? got.body.includes(r.expect.slice(1)) : got.body === r.expect;
          if (!ok) problems.push(`${r.method} ${r.target}: body ${JSON.stringify(got.body)}, expected ${JSON.stringify(r.expect)}`);
        }
      }
      child.kill("SIGTERM");
      const e = await exited;
      if (e.code !== 0) problems.push(`did not stop cleanly on SIGTERM (code ${e.code}, signal ${e.signal})`);
    } else {
      const { code, signal } = first.exit;
      if (spec.requests.length) problems.push("expected a server, but the script ended");
      if (code !== spec.exit) problems.push(`exit ${code ?? signal}, expected ${spec.exit}`);
    }
    if (spec.stdout !== null && stdout.trim() !== spec.stdout) {
      problems.push(`stdout ${JSON.stringify(stdout.trim())}, expected ${JSON.stringify(spec.stdout)}`);
    }
    if (problems.length && stderr.trim()) problems.push(`stderr:\n${stderr.trim()}`);
    return problems;
  } finally {
    clearTimeout(timer);
    child.kill("SIGKILL");
  }
}

/** HOWTH_* environment variables the Rust code reads. */
export function envVariables(dir = root) {
  const names = new Set();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === "target" || e.name === "node_modules" || e.name.startsWith(".")) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".rs")) {
        for (const m of readFileSync(p, "utf8").matchAll(/env::var(?:_os)?\("(HOWTH_[A-Z0-9_]+)"/g)) names.add(m[1]);
      }
    }
  };
  for (const d of ["src", "runtime", "loop", "parser"]) if (existsSync(path.join(dir, d))) walk(path.join(dir, d));
  return [...names].sort();
}

/** The serve options the loop understands (loop/src/server.rs, OPTION_NAMES). */
export function serveOptions(dir = root) {
  const src = readFileSync(path.join(dir, "loop/src/server.rs"), "utf8");
  const list = /OPTION_NAMES: &\[&str\] = &\[([^\]]*)\]/.exec(src);
  if (!list) throw new Error("loop/src/server.rs: OPTION_NAMES not found");
  return [...list[1].matchAll(/"([A-Za-z]+)"/g)].map((m) => m[1]);
}

function makeTargets() {
  const text = readFileSync(path.join(root, "Makefile"), "utf8");
  return new Set([...text.matchAll(/^([a-z][a-z0-9-]*):/gm)].map((m) => m[1]));
}

/** Splits a command line into words as the shell would (quotes kept together, then removed). */
export function shellWords(line) {
  return [...line.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)].map((m) => m[0].replace(/["']/g, ""));
}

/** Checks the commands of a sh block against the Makefile and `--help`. */
function checkShell(code, targets, helpOf) {
  const problems = [];
  for (let raw of code.split("\n")) {
    const l = raw.replace(/\s+#.*$/, "").replace(/^\$\s+/, "").trim();
    if (l === "" || l.startsWith("#")) continue;
    const words = shellWords(l);
    if (words[0] === "make") {
      for (const w of words.slice(1)) {
        if (w.includes("=")) continue;
        if (!targets.has(w)) problems.push(`make has no target '${w}'`);
      }
    }
    const at = words.findIndex((w) => w === "howth" || w.endsWith("/howth"));
    if (at >= 0 && (at === 0 || ["sudo", "&&"].includes(words[at - 1]) || words[at - 1].includes("="))) {
      const rest = words.slice(at + 1);
      const sub = [];
      if (rest[0] === "run") sub.push("run");
      if (rest[0] === "bench") sub.push("bench", "http");
      const help = helpOf(sub);
      // Flags come before the entry file; what follows it is the script's.
      const file = rest.findIndex((w) => /\.(m?[jt]s)$/.test(w));
      const flagsPart = file < 0 ? rest : rest.slice(0, file);
      for (const w of flagsPart) {
        if (!w.startsWith("-")) continue;
        const f = w.split("=")[0];
        if (!help.flags.has(f) && !["-p", "-h", "-V"].includes(f)) problems.push(`howth ${sub.join(" ")} has no flag ${f}`);
      }
    }
  }
  return problems;
}

async function main() {
  const howth = path.resolve(process.argv[2] ?? path.join(root, "target/release/howth"));
  if (!existsSync(howth)) {
    console.error(`check-docs: no howth binary at ${howth} (make build)`);
    process.exit(2);
  }
  const tracked = trackedFiles();
  const parsed = new Map();
  const parsedPage = (p) => {
    if (!parsed.has(p)) parsed.set(p, parse(readFileSync(path.join(root, p), "utf8")));
    return parsed.get(p);
  };
  const headingsOf = (p) => parsedPage(p).headings;
  const helpCache = new Map();
  const helpOf = (sub) => {
    const key = sub.join(" ");
    if (!helpCache.has(key)) {
      const r = run(howth, [...sub, "--help"]);
      if (r.status !== 0) throw new Error(`howth ${key} --help exited ${r.status}: ${r.stderr}`);
      helpCache.set(key, helpFlags(r.stdout));
    }
    return helpCache.get(key);
  };
  const targets = makeTargets();
  const problems = [];
  const say = (page, line, msg) => problems.push(`${page}:${line}: ${msg}`);
  let ran = 0;
  let included = 0;
  let skipped = 0;
  let linkCount = 0;

  const all = pages();
  const typed = [];
  for (const page of all) {
    const { blocks, prose } = parsedPage(page);
    for (const { line, target } of links(prose)) {
      linkCount++;
      for (const p of checkLink(page, target, { tracked, headingsOf })) say(page, line, p);
    }
    let dir = null;
    for (const b of blocks) {
      const d = b.directive ?? "";
      if (d.startsWith("norun:")) {
        if (d.slice(6).trim() === "") say(page, b.line, "norun needs a reason");
        skipped++;
        continue;
      }
      const file = /^file\s+(\S+)$/.exec(d);
      if (file) {
        dir ??= mkdtempSync(path.join(tmpdir(), "howth-docs-"));
        writeFileSync(path.join(dir, file[1]), b.code);
        continue;
      }
      const inc = /^include\s+(\S+)$/.exec(d);
      if (inc) {
        const [file, name] = inc[1].split(":");
        if (!file.startsWith("examples/")) say(page, b.line, `includes come from examples/, not ${file}`);
        const full = path.join(root, file);
        const want = existsSync(full) ? region(readFileSync(full, "utf8"), name) : null;
        if (want === null) say(page, b.line, `no ${inc[1]} to include`);
        else if (want !== b.code) say(page, b.line, `differs from ${inc[1]}: copy it again`);
        included++;
        continue;
      }
      switch (b.lang) {
        case "ts":
        case "typescript":
        case "js": {
          let spec;
          try {
            spec = d.startsWith("test") ? parseTest(d) : parseTest("test");
          } catch (e) {
            say(page, b.line, e.message);
            break;
          }
          dir ??= mkdtempSync(path.join(tmpdir(), "howth-docs-"));
          for (const p of await runBlock(howth, dir, b, spec)) say(page, b.line, p);
          ran++;
          break;
        }
        case "sh":
        case "bash":
        case "console":
          for (const p of checkShell(b.code, targets, helpOf)) say(page, b.line, p);
          break;
        case "text":
          break;
        case "json":
          try {
            JSON.parse(b.code);
          } catch (e) {
            say(page, b.line, `not JSON: ${e.message}`);
          }
          break;
        case "":
          say(page, b.line, "a code block without a language: name one (ts, sh, text, ...)");
          break;
        default:
          say(page, b.line, `no rule for \`${b.lang}\` blocks: run it as ts, include it from examples/, or mark it <!-- norun: why -->`);
      }
    }
    if (dir) typed.push(dir);
  }

  // The TypeScript examples type-check as a user's project would: the
  // options of examples/tsconfig.json, with lib.dom, ts-lib/howth.d.ts and
  // the esnext library (Howth provides the built-ins V8 10.2 lacks).
  const tsc = path.join(root, "node_modules/.bin/tsc");
  if (typed.length && existsSync(tsc)) {
    const cfg = path.join(typed[0], "..", `${path.basename(typed[0])}-tsconfig.json`);
    const base = JSON.parse(readFileSync(path.join(root, "examples/tsconfig.json"), "utf8").replace(/^\s*\/\/.*$/gm, ""));
    writeFileSync(
      cfg,
      JSON.stringify({ compilerOptions: { ...base.compilerOptions, lib: ["esnext", "dom", "dom.iterable"], resolveJsonModule: true }, include: [...typed.map((d) => `${d}/**/*.ts`), path.join(root, "ts-lib/howth.d.ts")] }),
    );
    const r = spawnSync(tsc, ["--strict", "--noEmit", "-p", cfg], { encoding: "utf8" });
    if (r.status !== 0) {
      for (const l of (r.stdout + r.stderr).trim().split("\n")) problems.push(`tsc: ${l}`);
    }
    rmSync(cfg, { force: true });
  }
  for (const d of typed) rmSync(d, { recursive: true, force: true });

  // Every page is in the README's list, and so is every pending page.
  const readmeTargets = new Set(links(parsedPage("README.md").prose).map((l) => l.target.split("#")[0]));
  for (const p of [...all.filter((p) => p.startsWith("docs/")), ...PENDING_PAGES]) {
    if (!readmeTargets.has(p)) say("README.md", 1, `does not link ${p}`);
  }
  for (const p of PENDING_PAGES) {
    if (existsSync(path.join(root, p))) console.log(`check-docs: ${p} exists now: remove it from PENDING_PAGES`);
  }

  // The command line: docs/cli.md and --help agree.
  const documented = docFlags(readFileSync(path.join(root, "docs/cli.md"), "utf8"));
  for (const [cmd, sub] of [
    ["howth", []],
    ["howth run", ["run"]],
    ["howth bench http", ["bench", "http"]],
  ]) {
    const help = helpOf(sub);
    const doc = documented.get(cmd);
    if (!doc) {
      say("docs/cli.md", 1, `no section \`${cmd}\``);
      continue;
    }
    for (const f of help.flags) if (!doc.has(f)) say("docs/cli.md", 1, `\`${cmd} --help\` lists ${f}, the page does not`);
    for (const f of doc) if (!help.flags.has(f)) say("docs/cli.md", 1, `lists ${f}, \`${cmd} --help\` does not`);
    for (const l of help.bad) say("docs/cli.md", 1, `\`${cmd} --help\` gives a flag more (or less) than one line: ${l}`);
  }

  // What the code reads and the docs must name: every HOWTH_* variable, in
  // docs/; every serve option, in docs/serving.md's table of limits.
  const docsText = all.map((p) => readFileSync(path.join(root, p), "utf8")).join("\n");
  for (const name of envVariables()) {
    if (!docsText.includes(name)) say("docs/cli.md", 1, `the code reads ${name}, no page names it`);
  }
  const serving = readFileSync(path.join(root, "docs/serving.md"), "utf8");
  for (const name of serveOptions()) {
    if (!new RegExp(`^\\| \`${name}\` \\|`, "m").test(serving)) say("docs/serving.md", 1, `no row for the serve option ${name}`);
  }

  for (const p of problems) console.error(p);
  console.log(
    `check-docs: ${all.length} pages, ${linkCount} links, ${ran} examples run, ${included} included from examples/, ${skipped} marked norun; ${problems.length} problems`,
  );
  process.exit(problems.length ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
