// node:url's file-URL helpers, domain functions, urlToHttpOptions and the
// shapes url.parse returns (as console.log shows them).
import url, { fileURLToPath, pathToFileURL, domainToASCII, domainToUnicode, urlToHttpOptions, parse } from "node:url";

for (const p of ["/tmp/a b/c.txt", "/tmp/100%/x", "/tmp/q?x#y", "/tmp/back\\slash", "/tmp/tab\tnl\ncr\r", "/tmp/dir/", "/tmp/ü€😀", "/", "/a/../b/./c", "/tmp/[x]{y}|^`"]) {
  const u = pathToFileURL(p);
  console.log(JSON.stringify(p), u.href, u instanceof URL, JSON.stringify(fileURLToPath(u)), fileURLToPath(u.href) === fileURLToPath(u));
}
console.log(pathToFileURL("rel/x").href === new URL(`file://${process.cwd()}/rel/x`).href);
console.log(pathToFileURL("rel/dir/").href.endsWith("/rel/dir/"), pathToFileURL(".").href.endsWith("/"));
for (const s of ["file:///a%20b", "file://localhost/etc/x", "file:///a/%E2%82%AC", "file:///a%2Fb", "file:///a%2fb", "file://host/x", "http://x/y", "file:///a/%25", "notaurl"]) {
  try {
    console.log(s, JSON.stringify(fileURLToPath(s)));
  } catch (e) {
    console.log(s, e.name, e.code, e.code === "ERR_INVALID_URL" ? e.input : e.message);
  }
}
for (const v of [1, null, {}, undefined]) {
  try {
    fileURLToPath(v);
  } catch (e) {
    console.log("fileURLToPath", String(v), e.name, e.code);
  }
  try {
    pathToFileURL(v);
  } catch (e) {
    console.log("pathToFileURL", String(v), e.name, e.code);
  }
}
for (const d of ["español.com", "EXAMPLE.com", "xn--espaol-zwa.com", "xn--iñvalid.com", "münchen.de", "127.0.0.1", "0x7f.1", "a b", "", "ü.ü"]) {
  console.log(JSON.stringify(d), JSON.stringify(domainToASCII(d)), JSON.stringify(domainToUnicode(d)));
}
console.log(JSON.stringify(urlToHttpOptions(new URL("https://u%20x:p%40@[::1]:8443/p/a?q=1#h"))));
console.log(JSON.stringify(urlToHttpOptions(new URL("http://a.com"))));
console.log(parse("http://user:pw@a.com:81/b?c=d#e"));
console.log(parse("/x?y=1", true));
console.log(url.URL === URL, url.URLSearchParams === URLSearchParams);
