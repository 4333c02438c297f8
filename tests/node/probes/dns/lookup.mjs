// node:dns lookup: localhost, a name from /etc/hosts, a name that cannot
// resolve (.invalid, RFC 6761), IP literals, the options, the argument
// errors, the callback and promise forms, util.promisify.
import dns from "node:dns";
import { lookup as lookupP } from "node:dns/promises";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";

const show = (v) => JSON.stringify(v);
const fields = (e) => show({ name: e.name, message: e.message, code: e.code, errno: e.errno, syscall: e.syscall, hostname: e.hostname, keys: Object.keys(e) });
const cb = (label) => new Promise((resolve) => (err, address, family) => resolve([label, err, address, family]));

function lookup(label, host, options) {
  return new Promise((resolve) => {
    const done = (err, address, family) => {
      console.log(label, err ? fields(err) : show([address, family]));
      resolve();
    };
    if (options === undefined) dns.lookup(host, done);
    else dns.lookup(host, options, done);
  });
}

// The first name /etc/hosts gives an IPv4 address, other than localhost.
const hostsName = readFileSync("/etc/hosts", "utf8")
  .split("\n")
  .map((l) => l.replace(/#.*/, "").trim().split(/\s+/))
  .filter((f) => f.length > 1 && /^\d+\.\d+\.\d+\.\d+$/.test(f[0]))
  .flatMap((f) => f.slice(1))
  .find((n) => n !== "localhost");

// Synchronous order: the callback never runs before lookup returns.
let returned = false;
dns.lookup("127.0.0.1", () => console.log("called after return:", returned));
returned = true;

await lookup("localhost v4", "localhost", 4);
await lookup("localhost all v4", "localhost", { family: 4, all: true });
await lookup("localhost IPv4", "localhost", { family: "IPv4" });
await lookup("hosts file", hostsName, { family: 4 });
await lookup("hosts file all", hostsName, { all: true, family: 4 });
await lookup("invalid", "no-such-host.invalid");
await lookup("invalid all", "no-such-host.invalid", { all: true });
await lookup("invalid v6", "nothing.invalid", 6);
await lookup("ipv4 literal", "127.0.0.1");
await lookup("ipv6 literal", "::1");
await lookup("ipv6 literal all", "::1", { all: true });
await lookup("literal of the other family", "10.1.2.3", 6);
await lookup("empty", "", {});
await lookup("empty all", "", { all: true });
await lookup("hints", "localhost", { hints: dns.ADDRCONFIG | dns.V4MAPPED, family: 4 });
await lookup("order ipv4first", "localhost", { order: "ipv4first", all: true, family: 4 });
await lookup("verbatim false", "localhost", { verbatim: false, family: 4 });

for (const bad of [
  () => dns.lookup(1, () => {}),
  () => dns.lookup("localhost", { family: 5 }, () => {}),
  () => dns.lookup("localhost", 5, () => {}),
  () => dns.lookup("localhost", { hints: 3 }, () => {}),
  () => dns.lookup("localhost", { all: "yes" }, () => {}),
  () => dns.lookup("localhost", { order: "random" }, () => {}),
  () => dns.lookup("localhost"),
  () => dns.lookup("localhost", {}),
  () => dns.setDefaultResultOrder("fastest"),
]) {
  try {
    bad();
    console.log("no error");
  } catch (e) {
    console.log("throws", e.name, e.code, e.message);
  }
}

console.log("order", dns.getDefaultResultOrder());
dns.setDefaultResultOrder("ipv4first");
console.log("order", dns.getDefaultResultOrder(), dns.promises.getDefaultResultOrder());
dns.setDefaultResultOrder("verbatim");

console.log("promises", show(await lookupP("localhost", 4)));
console.log("promises all", show(await lookupP("localhost", { all: true, family: 4 })));
console.log("promises literal", show(await lookupP("::1")));
try {
  await lookupP("no-such-host.invalid");
} catch (e) {
  console.log("promises invalid", fields(e), e instanceof Error);
}
console.log("dns.promises is node:dns/promises", dns.promises.lookup === lookupP);
console.log("promisify", show(await promisify(dns.lookup)("localhost", { family: 4 })));
console.log("promisify all", show(await promisify(dns.lookup)("localhost", { family: 4, all: true })));
try {
  await promisify(dns.lookup)("x.invalid");
} catch (e) {
  console.log("promisify invalid", e.code, e.hostname);
}
console.log("constants", dns.ADDRCONFIG, dns.V4MAPPED, dns.ALL, dns.NOTFOUND, dns.NODATA, dns.CANCELLED);
console.log("exports", show(["lookup", "resolve4", "resolve6", "Resolver", "promises", "setDefaultResultOrder"].map((k) => typeof dns[k])));
