// yaml: parse and stringify, several documents, anchors and aliases,
// custom tags kept as strings, and a syntax error's message and position.
import YAML, { parseAllDocuments, parseDocument, stringify } from "yaml";

const text = `
server:
  host: 0.0.0.0
  port: 8080
  tls: false
defaults: &defaults
  retries: 3
  timeout: 1.5
services:
  - name: api
    <<: *defaults
  - name: worker
    <<: *defaults
    retries: 5
notes: |
  first line
  second line
folded: >
  one
  two
empty: ~
date: 2024-01-15
quoted: "a: b"
list: [1, two, 3.0, true, null]
`;
const doc = YAML.parse(text, { merge: true });
console.log("parse", JSON.stringify(doc));
console.log("stringify", JSON.stringify(stringify(doc)));
console.log("round trip", JSON.stringify(YAML.parse(stringify(doc))) === JSON.stringify(doc));
const docs = parseAllDocuments("a: 1\n---\nb: [x, y]\n...\n");
console.log("documents", docs.length, JSON.stringify(docs.map((d) => d.toJS())));
const d = parseDocument("# head\nkey: value # trailing\nlist:\n  - 1\n");
d.set("added", { nested: [1, 2] });
console.log("document", JSON.stringify(String(d)));
console.log("stringify opts", JSON.stringify(stringify({ a: "x".repeat(30), b: [1, { c: 2 }] }, { indent: 4, lineWidth: 20 })));
for (const bad of ["key: [unclosed", "a: 1\n a: 2", "- x\ny: 1"]) {
  const e = parseDocument(bad).errors[0];
  console.log("error", e?.name, e?.code, JSON.stringify(e?.linePos));
}
try {
  YAML.parse("a: b: c");
} catch (e) {
  console.log("throws", e.name, e.code, e.message.split("\n")[0]);
}
