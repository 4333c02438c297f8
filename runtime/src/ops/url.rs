//! WHATWG URL ops for ts-lib/url.ts: parsing and setters through the `url`
//! crate (its `quirks` module is the WHATWG URL API), and the
//! application/x-www-form-urlencoded parser and serializer behind
//! URLSearchParams. JS keeps no parser of its own: every component it shows
//! comes from here.

use howth_engine::{CallArgs, ErrorKind, Isolate, Kind};
use url::{form_urlencoded, quirks, Url};

pub fn register<S: 'static>(iso: &mut Isolate<S>) {
    iso.set_op("urlParse", op_url_parse::<S>);
    iso.set_op("urlSet", op_url_set::<S>);
    iso.set_op("formUrlDecode", op_form_url_decode::<S>);
    iso.set_op("formUrlEncode", op_form_url_encode::<S>);
}

/// The order of the components in the arrays urlParse and urlSet return
/// (ts-lib/url.ts indexes them by these positions).
pub const COMPONENTS: [&str; 11] = [
    "href", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash", "origin",
];

/// The basic URL parser with an optional base; None when either fails.
pub fn parse(input: &str, base: Option<&str>) -> Option<Url> {
    let mut u = match base {
        None => Url::parse(input).ok()?,
        Some(b) => {
            let base = Url::parse(b).ok()?;
            Url::options().base_url(Some(&base)).parse(input).ok()?
        }
    };
    catch_up(&mut u);
    Some(u)
}

/// Brings the url crate's result (2.5.8, its newest release) up to two URL
/// Standard changes it has not shipped yet. This is no parser: each step
/// rewrites one already-parsed component through the crate's own setter,
/// fires only on the exact shape the change is about, and is a no-op once
/// the crate implements the change.
fn catch_up(u: &mut Url) {
    // An opaque path's last space before "?" or "#" is serialized as "%20",
    // so that removing the query or fragment later cannot strip it.
    if u.cannot_be_a_base() && (u.query().is_some() || u.fragment().is_some()) {
        let p = u.path();
        if p.ends_with(' ') && !p.starts_with([' ', '/']) {
            let fixed = format!("{}%20", &p[..p.len() - 1]);
            u.set_path(&fixed);
        }
    }
    // "^" is in the path percent-encode set. (A hostless "//" path is left
    // alone: re-setting it would turn its first segment into a host.)
    if !u.cannot_be_a_base() && u.path().contains('^') && !(u.path().starts_with("//") && !u.has_host()) {
        let fixed = u.path().replace('^', "%5E");
        u.set_path(&fixed);
    }
}

/// The origin as the URL Standard defines it. The url crate gives blob: URLs
/// the origin of any inner URL; the standard only of http(s) ones.
fn origin(u: &Url) -> String {
    if u.scheme() == "blob" {
        return match Url::parse(u.path()) {
            Ok(inner) if matches!(inner.scheme(), "http" | "https") => quirks::origin(&inner),
            _ => "null".to_string(),
        };
    }
    quirks::origin(u)
}

/// The URL's components as the WHATWG getters show them, in COMPONENTS order.
/// Origin is the only one not a slice of the serialization.
pub fn components(u: &Url) -> ([&str; 10], String) {
    (
        [
            quirks::href(u),
            quirks::protocol(u),
            quirks::username(u),
            quirks::password(u),
            quirks::host(u),
            quirks::hostname(u),
            quirks::port(u),
            quirks::pathname(u),
            quirks::search(u),
            quirks::hash(u),
        ],
        origin(u),
    )
}

/// Why a setter could not run at all (as opposed to being ignored, which
/// the WHATWG setters do silently for bad values).
#[derive(Debug, PartialEq, Eq)]
pub enum SetError {
    /// `href` was given something that does not parse: the href setter throws.
    InvalidHref,
    UnknownSetter,
}

/// Applies the WHATWG setter `setter` to `url`. Invalid values leave the URL
/// unchanged, as the spec's setters do; only `href` reports failure.
pub fn set(url: &mut Url, setter: &str, value: &str) -> Result<(), SetError> {
    // The quirks setters return Err(()) for "value ignored": that is not an
    // error for the caller, so those results are dropped on purpose.
    match setter {
        "href" => {
            *url = parse(value, None).ok_or(SetError::InvalidHref)?;
            return Ok(());
        }
        "protocol" => {
            let _ = quirks::set_protocol(url, value);
        }
        "username" => {
            let _ = quirks::set_username(url, value);
        }
        "password" => {
            let _ = quirks::set_password(url, value);
        }
        "host" => {
            let _ = quirks::set_host(url, value);
        }
        "hostname" => {
            let _ = quirks::set_hostname(url, value);
        }
        "port" => {
            // The setter's parse first drops tab and newline; a value that
            // was nothing else leaves the port as it is (the port state
            // returns on an empty buffer with a state override). The crate
            // would clear the port instead.
            if value.is_empty() || !value.chars().all(|c| matches!(c, '\t' | '\n' | '\r')) {
                let _ = quirks::set_port(url, value);
            }
        }
        "pathname" => quirks::set_pathname(url, value),
        "search" => quirks::set_search(url, value),
        "hash" => quirks::set_hash(url, value),
        _ => return Err(SetError::UnknownSetter),
    }
    catch_up(url);
    Ok(())
}

/// application/x-www-form-urlencoded parsing: flat [k0, v0, k1, v1, ...].
pub fn form_decode(input: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in form_urlencoded::parse(input) {
        out.push(k.into_owned());
        out.push(v.into_owned());
    }
    out
}

/// application/x-www-form-urlencoded serializing of flat pairs. A trailing
/// odd item is treated as a name with an empty value.
pub fn form_encode<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    let mut it = items.into_iter();
    while let Some(k) = it.next() {
        ser.append_pair(k, it.next().unwrap_or(""));
    }
    ser.finish()
}

fn return_components(args: &mut CallArgs<'_>, u: &Url) {
    let (parts, origin) = components(u);
    let mut items: [&[u8]; 11] = [b""; 11];
    for (slot, part) in items.iter_mut().zip(parts.iter()) {
        *slot = part.as_bytes();
    }
    items[10] = origin.as_bytes();
    // A serialized URL is ASCII (hosts are punycoded, the rest is
    // percent-encoded), so Latin-1 is exact and the cheap way in.
    args.return_strings(&items, true);
}

/// urlParse(input, base?): string[] | undefined
fn op_url_parse<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let input = args.string(0);
    let base = match args.kind(1) {
        Kind::Undefined | Kind::Null => None,
        _ => Some(args.string(1)),
    };
    match parse(&input, base.as_deref()) {
        Some(u) => return_components(args, &u),
        None => args.return_undefined(),
    }
}

/// urlSet(href, setter, value): string[] | undefined (undefined only when
/// the href setter is given an unparsable URL; JS throws the TypeError).
fn op_url_set<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let href = args.string(0);
    let setter = args.string(1);
    let value = args.string(2);
    let Some(mut u) = parse(&href, None) else {
        args.throw(ErrorKind::TypeError, "urlSet: the current href does not parse");
        return;
    };
    match set(&mut u, &setter, &value) {
        Ok(()) => return_components(args, &u),
        Err(SetError::InvalidHref) => args.return_undefined(),
        Err(SetError::UnknownSetter) => args.throw(ErrorKind::TypeError, &format!("urlSet: unknown setter '{setter}'")),
    }
}

/// formUrlDecode(input): string[]
fn op_form_url_decode<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let mut input = Vec::new();
    args.append_utf8(0, &mut input);
    let pairs = form_decode(&input);
    let items: Vec<&[u8]> = pairs.iter().map(|s| s.as_bytes()).collect();
    args.return_strings(&items, false);
}

/// formUrlEncode(pairs): string
fn op_form_url_encode<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let mut bytes = Vec::new();
    let mut ends = Vec::new();
    if args.strings_into(0, &mut bytes, &mut ends).is_none() {
        args.throw(ErrorKind::TypeError, "formUrlEncode: expected an array of strings");
        return;
    }
    // The shim wrote UTF-8 (lone surrogates replaced), so this cannot fail.
    let text = String::from_utf8_lossy(&bytes);
    let mut start = 0usize;
    let items = ends.iter().map(|&end| {
        let s = &text[start..end as usize];
        start = end as usize;
        s
    });
    let out = form_encode(items);
    // The serializer's output is ASCII.
    args.return_latin1(out.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wpt(name: &str) -> serde_json::Value {
        let path = format!("{}/../tests/wpt/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// Case ids the url crate is known to get wrong (shared with the JS runner).
    fn known(suite: &str) -> Vec<String> {
        wpt("url_known_failures.json")[suite]["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }

    /// Fails on any failure that is not listed as known; prints the counts.
    fn finish(suite: &str, pass: usize, fail: Vec<(String, String)>) {
        let known = known(suite);
        let unexpected: Vec<_> = fail.iter().filter(|(id, _)| !known.contains(id)).collect();
        for (id, why) in &unexpected {
            eprintln!("FAIL {id}: {why}");
        }
        eprintln!("{suite} (rust): {pass} passed, {} failed ({} known)", fail.len(), fail.len() - unexpected.len());
        assert!(unexpected.is_empty(), "{} unexpected failures", unexpected.len());
    }

    fn case_id(input: &str, base: Option<&str>) -> String {
        match base {
            None => format!("<{input}>"),
            Some(b) => format!("<{input}> against <{b}>"),
        }
    }

    fn check(u: &Url, expect: &serde_json::Value) -> Vec<String> {
        let (parts, origin) = components(u);
        let mut bad = Vec::new();
        for (i, name) in COMPONENTS.iter().enumerate() {
            let got = if i == 10 { origin.as_str() } else { parts[i] };
            if let Some(want) = expect.get(*name).and_then(|v| v.as_str()) {
                if got != want {
                    bad.push(format!("{name}: got {got:?}, want {want:?}"));
                }
            }
        }
        bad
    }

    #[test]
    fn parse_and_components() {
        let u = parse("/a/b?x=1#h", Some("https://user:pw@example.com:8443/z")).unwrap();
        let (parts, origin) = components(&u);
        assert_eq!(parts[0], "https://user:pw@example.com:8443/a/b?x=1#h");
        assert_eq!(&parts[1..], ["https:", "user", "pw", "example.com:8443", "example.com", "8443", "/a/b", "?x=1", "#h"]);
        assert_eq!(origin, "https://example.com:8443");
        assert!(parse("nope", None).is_none());
        assert!(parse("/x", Some("not a base")).is_none());
    }

    #[test]
    fn setters() {
        let mut u = Url::parse("http://a.com/p").unwrap();
        set(&mut u, "pathname", "/q r").unwrap();
        set(&mut u, "search", "?a=b").unwrap();
        set(&mut u, "hash", "x").unwrap();
        set(&mut u, "port", "99999999").unwrap(); // ignored
        assert_eq!(u.as_str(), "http://a.com/q%20r?a=b#x");
        assert_eq!(set(&mut u, "href", "::"), Err(SetError::InvalidHref));
        assert_eq!(set(&mut u, "bogus", ""), Err(SetError::UnknownSetter));
    }

    #[test]
    fn form_round_trip() {
        assert_eq!(form_decode(b"a=1&b=x+y&&c=%F0%9F%98%80&d"), ["a", "1", "b", "x y", "c", "😀", "d", ""]);
        assert_eq!(form_encode(["a b", "&=", "é", "*-._~"]), "a+b=%26%3D&%C3%A9=*-._%7E");
        assert_eq!(form_encode(["odd"]), "odd=");
    }

    /// The whole of WPT's urltestdata.json through the Rust side alone; the
    /// JS runner (tests/js/wpt_url.test.ts) checks the same through the URL class.
    #[test]
    fn wpt_urltestdata() {
        let data = wpt("urltestdata.json");
        let (mut pass, mut fail) = (0, Vec::new());
        for case in data.as_array().unwrap().iter().filter(|c| c.is_object()) {
            let input = case["input"].as_str().unwrap();
            let base = case["base"].as_str();
            let id = case_id(input, base);
            match (parse(input, base), case.get("failure").is_some()) {
                (None, true) => pass += 1,
                (Some(u), false) => {
                    let bad = check(&u, case);
                    if bad.is_empty() {
                        pass += 1;
                    } else {
                        fail.push((id, bad.join("; ")));
                    }
                }
                (Some(u), true) => fail.push((id, format!("parsed as {u} but should fail"))),
                (None, false) => fail.push((id, "failed to parse".into())),
            }
        }
        finish("url", pass, fail);
    }

    #[test]
    fn wpt_setters() {
        let data = wpt("setters_tests.json");
        let (mut pass, mut fail) = (0, Vec::new());
        for (setter, cases) in data.as_object().unwrap() {
            if setter == "comment" {
                continue;
            }
            for case in cases.as_array().unwrap() {
                let href = case["href"].as_str().unwrap();
                let value = case["new_value"].as_str().unwrap();
                // As the JS URL does: the href it holds came from parse().
                let mut u = parse(href, None).unwrap();
                let _ = set(&mut u, setter, value);
                let bad = check(&u, &case["expected"]);
                if bad.is_empty() {
                    pass += 1;
                } else {
                    fail.push((format!("<{href}> set {setter} to <{value}>"), bad.join("; ")));
                }
            }
        }
        finish("setters", pass, fail);
    }
}
