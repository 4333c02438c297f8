// dotenv (CommonJS, loaded through import): parse a file written here,
// with quotes, comments, multi-line values, expansion left alone, and
// config() filling process.env without overriding what is set.
import dotenv from "dotenv";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "howth-dotenv-"));
const file = join(dir, ".env");
writeFileSync(
  file,
  [
    "# a comment",
    "PLAIN=value",
    "SPACED = padded value  ",
    'DOUBLE="line one\\nline two"',
    "SINGLE='kept \\n as is'",
    "BACKTICK=`has 'single' and \"double\"`",
    'MULTI="first',
    'second"',
    "export EXPORTED=yes",
    "HASH=before # after",
    "QUOTED_HASH='a # b'",
    "EMPTY=",
    "REF=${PLAIN}",
    "DOTENV_PROBE_PRESET=from-file",
    "",
  ].join("\n"),
);
const parsed = dotenv.parse(await import("node:fs").then((fs) => fs.readFileSync(file)));
for (const [k, v] of Object.entries(parsed)) console.log("parse", k, JSON.stringify(v));
process.env.DOTENV_PROBE_PRESET = "from-env";
const result = dotenv.config({ path: file, quiet: true });
console.log("config", Object.keys(result.parsed).length, process.env.PLAIN, process.env.MULTI === "first\nsecond");
console.log("kept", process.env.DOTENV_PROBE_PRESET);
dotenv.config({ path: file, override: true, quiet: true });
console.log("override", process.env.DOTENV_PROBE_PRESET);
const missing = dotenv.config({ path: join(dir, "missing.env"), quiet: true });
console.log("missing", missing.error?.code);
rmSync(dir, { recursive: true });
