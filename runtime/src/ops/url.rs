//! WHATWG URL ops for ts-lib/url.ts: parsing and setters through the `url`
//! crate (its `quirks` module is the WHATWG URL API), and the
//! application/x-www-form-urlencoded parser and serializer behind
//! URLSearchParams. JS keeps no parser of its own: every component it shows
//! comes from here.
//!
//! `new URL(req.url)` is on the request path, so a parse returns one string
//! (the href) and writes where each component lies in it into a Uint32Array
//! the caller passes (`OFFSETS` layout); JS slices components on demand.
//! Building eleven V8 strings and an array per parse cost three times more.

use std::cell::RefCell;

use howth_engine::{CallArgs, ErrorKind, Isolate, Kind};
use url::{form_urlencoded, quirks, Position, Url};

pub fn register<S: 'static>(iso: &mut Isolate<S>) {
    iso.set_op("urlParse", op_url_parse::<S>);
    iso.set_op("urlSet", op_url_set::<S>);
    iso.set_op("urlOrigin", op_url_origin::<S>);
    iso.set_op("formUrlDecode", op_form_url_decode::<S>);
    iso.set_op("formUrlEncode", op_form_url_encode::<S>);
}

/// The WHATWG URL getters, in the order `components` returns them.
pub const COMPONENTS: [&str; 11] = [
    "href", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash",
    "origin",
];

thread_local! {
    /// The last base URL parsed: `new URL(path, base)` in a handler passes
    /// the same base every time, so it is parsed once.
    static LAST_BASE: RefCell<Option<(String, Url)>> = const { RefCell::new(None) };
}

/// The basic URL parser with an optional base; None when either fails.
pub fn parse(input: &str, base: Option<&str>) -> Option<Url> {
    match base {
        None => parse_with(input, None),
        Some(b) => LAST_BASE.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cache.as_ref().map(|(s, _)| s.as_str()) != Some(b) {
                // The base goes through the same corrections: a relative
                // URL inherits its host from it (file://host/C:/...).
                *cache = Some((b.to_string(), parse_with(b, None)?));
            }
            parse_with(input, Some(&cache.as_ref()?.1))
        }),
    }
}

/// One parse through the url crate, with the corrections below around it.
fn parse_with(input: &str, base: Option<&Url>) -> Option<Url> {
    let collapsed = base.and_then(|b| collapse_special_authority_slashes(input, b));
    let input = collapsed.as_deref().unwrap_or(input);
    let mut u = Url::options().base_url(base).parse(input).ok()?;
    if u.scheme() == "file" {
        normalize_drive_letter_after_empty_host(&mut u);
        keep_file_host_with_drive_letter(&mut u, input, base);
    }
    catch_up(&mut u);
    Some(u)
}

/// The input as the basic URL parser sees it: leading and trailing C0
/// control or space stripped, ASCII tab and newline removed (URL Standard,
/// basic URL parser, steps 1.2 and 3).
fn spec_input(input: &str) -> String {
    input
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// Relative slash state: a relative input starting with two slashes (or
/// backslashes) against a special base goes to the special authority ignore
/// slashes state, which skips every further "/" and "\". The crate
/// instead takes the third slash as the end of an empty host and fails
/// ("///test" against "http://example.org/" is "http://test/"). Returns the
/// input with its leading run of slashes collapsed to the "//" the crate
/// handles, when there are more than two; None otherwise.
fn collapse_special_authority_slashes(input: &str, base: &Url) -> Option<String> {
    if !base.is_special() || base.scheme() == "file" {
        return None;
    }
    let body = input.trim_start_matches(|c: char| c <= ' ');
    let run_len = body
        .find(|c: char| !matches!(c, '/' | '\\' | '\t' | '\n' | '\r'))
        .unwrap_or(body.len());
    let slashes = body[..run_len]
        .chars()
        .filter(|c| matches!(c, '/' | '\\'))
        .count();
    (slashes > 2).then(|| format!("//{}", &body[run_len..]))
}

/// Path state: when a file URL's path is empty and the buffer is a Windows
/// drive letter, its second code point becomes ":". After an empty host
/// ("file:///w|/m") the crate counts the slash ending the host as an empty
/// first segment, so "w|" is not first and stays as it is. A file path can
/// never keep "X|" as its first segment, so re-setting the path with ":"
/// (the crate's own setter) is exact.
fn normalize_drive_letter_after_empty_host(u: &mut Url) {
    let p = u.path().as_bytes();
    if p.len() >= 3
        && p[0] == b'/'
        && p[1].is_ascii_alphabetic()
        && p[2] == b'|'
        && (p.len() == 3 || p[3] == b'/')
    {
        let fixed = format!("/{}:{}", p[1] as char, &u.path()[3..]);
        u.set_path(&fixed);
    }
}

/// The URL Standard no longer empties a file URL's host when its path
/// starts with a Windows drive letter (path state, and file state / file
/// slash state copy the base's host whatever the input's path is); the
/// crate still does both. When the crate's result has a drive letter and no
/// host, this finds the host the current spec keeps and sets it back with
/// the crate's setter:
/// - the input has its own authority (file slash state followed by "/" or
///   "\", i.e. file host state): that host, parsed by the crate;
/// - otherwise, against a file base: the base's host (file state and file
///   slash state set url's host to base's host);
/// - otherwise the host is empty, as the crate has it.
fn keep_file_host_with_drive_letter(u: &mut Url, input: &str, base: Option<&Url>) {
    if u.host_str().is_some_and(|h| !h.is_empty()) || !starts_with_drive_letter(u.path()) {
        return;
    }
    let s = spec_input(input);
    let rest = match s.get(..5) {
        Some(scheme) if scheme.eq_ignore_ascii_case("file:") => &s[5..],
        _ => &s[..],
    };
    let host = if rest.starts_with(['/', '\\']) && rest[1..].starts_with(['/', '\\']) {
        let authority = &rest[2..];
        let end = authority.find(['/', '\\', '?', '#']).unwrap_or(authority.len());
        // The crate's host parser (percent-decoding, IDNA, IP addresses,
        // "localhost" as empty, a drive letter as no host at all).
        Url::parse(&format!("file://{}/", &authority[..end]))
            .ok()
            .and_then(|h| h.host_str().map(str::to_owned))
    } else {
        base.filter(|b| b.scheme() == "file")
            .and_then(|b| b.host_str().map(str::to_owned))
    };
    if let Some(host) = host.filter(|h| !h.is_empty()) {
        let _ = u.set_host(Some(&host));
    }
}

/// Whether a path's first segment is a normalized Windows drive letter.
fn starts_with_drive_letter(path: &str) -> bool {
    let p = path.as_bytes();
    p.len() >= 3
        && p[0] == b'/'
        && p[1].is_ascii_alphabetic()
        && p[2] == b':'
        && (p.len() == 3 || p[3] == b'/')
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
    let hostless_double_slash = u.path().starts_with("//") && !u.has_host();
    if !u.cannot_be_a_base() && !hostless_double_slash && u.path().contains('^') {
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
    let [username, password, host, hostname, port, pathname, search] = inner_components(u);
    (
        [
            quirks::href(u),
            quirks::protocol(u),
            username,
            password,
            host,
            hostname,
            port,
            pathname,
            search,
            quirks::hash(u),
        ],
        origin(u),
    )
}

/// The components between protocol and hash, in COMPONENTS order: the ones
/// `offsets` locates as (start, end) pairs.
fn inner_components(u: &Url) -> [&str; 7] {
    [
        quirks::username(u),
        quirks::password(u),
        quirks::host(u),
        quirks::hostname(u),
        quirks::port(u),
        quirks::pathname(u),
        quirks::search(u),
    ]
}

/// Where each component lies in the href, as UTF-16 offsets (the href is
/// ASCII, so byte offsets are the same), in the layout ts-lib/url.ts reads:
/// [protocol end, username start, end, password start, end, host start, end,
/// hostname start, end, port start, end, pathname start, end, search start,
/// end, hash start]. An empty component is (0, 0); an empty hash starts at
/// the end of the href.
pub const OFFSETS: usize = 16;

pub fn offsets(u: &Url) -> [u32; OFFSETS] {
    let href = u.as_str();
    let base = href.as_ptr() as usize;
    // Every quirks getter but origin returns a slice of the serialization
    // or an empty literal: its position follows from the pointers.
    let span = |s: &str| -> (u32, u32) {
        if s.is_empty() {
            return (0, 0);
        }
        let start = (s.as_ptr() as usize).wrapping_sub(base);
        if start.saturating_add(s.len()) > href.len() {
            // Not a slice of the href after all: a url crate change broke
            // the assumption (offsets_match_getters would fail). Show "".
            debug_assert!(false, "component outside the href");
            return (0, 0);
        }
        (start as u32, (start + s.len()) as u32)
    };
    let mut o = [0u32; OFFSETS];
    o[0] = quirks::protocol(u).len() as u32;
    for (k, part) in inner_components(u).iter().enumerate() {
        let (a, b) = span(part);
        o[1 + 2 * k] = a;
        o[2 + 2 * k] = b;
    }
    let hash = quirks::hash(u);
    o[15] = if hash.is_empty() {
        href.len() as u32
    } else {
        span(hash).0
    };
    o
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
        "pathname" => {
            quirks::set_pathname(url, value);
            empty_path_after_empty_host(url, value);
        }
        "search" => quirks::set_search(url, value),
        "hash" => quirks::set_hash(url, value),
        _ => return Err(SetError::UnknownSetter),
    }
    dot_slash_prefix_iff_needed(url);
    catch_up(url);
    Ok(())
}

/// pathname setter: the path is emptied, then the value parsed in path
/// start state, which appends nothing for an empty non-special value
/// ("foo:///some/path" becomes "foo://"). The crate takes an empty host
/// for no host and sets "/" instead. (Setters run on the value as given;
/// the empty string is the only value this is about.)
fn empty_path_after_empty_host(u: &mut Url, value: &str) {
    if value.is_empty() && !u.is_special() && u.has_authority() && !u.has_host() && u.path() == "/" {
        u.set_path("");
    }
}

/// URL serializer, step 3: a URL with a null host whose path has more than
/// one segment and starts with an empty one is written with "/." before the
/// path, so that the path's "//" cannot be read back as an authority. The
/// crate writes it when parsing, but its setters neither add it (pathname
/// "//p" on "non-spec:/" gives "non-spec://p", which reads back as host
/// "p") nor drop it when a host is set or the path changes. This puts the
/// prefix where the standard has it and re-parses the result with the
/// crate; the components themselves are the crate's, already serialized.
fn dot_slash_prefix_iff_needed(u: &mut Url) {
    if u.is_special() || u.cannot_be_a_base() {
        return;
    }
    let before = &u[..Position::BeforePath];
    let authority = &before[u.scheme().len() + 1..];
    let null_host = authority.is_empty() || authority == "/.";
    let want = null_host && u.path().starts_with("//");
    let has = authority.ends_with("/.");
    if want == has {
        return;
    }
    let authority = authority.strip_suffix("/.").unwrap_or(authority);
    let prefix = if want { "/." } else { "" };
    let fixed = format!("{}:{authority}{prefix}{}", u.scheme(), &u[Position::BeforePath..]);
    if let Ok(fixed) = Url::parse(&fixed) {
        *u = fixed;
    }
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

/// Returns the href and writes its component offsets into argument `out`.
fn return_url(args: &mut CallArgs<'_>, out: usize, u: &Url) {
    let o = offsets(u);
    let mut bytes = [0u8; OFFSETS * 4];
    for (chunk, v) in bytes.chunks_exact_mut(4).zip(o.iter()) {
        chunk.copy_from_slice(&v.to_ne_bytes());
    }
    if args.fill_view(out, &bytes) != bytes.len() {
        args.throw(
            ErrorKind::TypeError,
            "url ops: the offsets argument must be a Uint32Array(16)",
        );
        return;
    }
    // A serialized URL is ASCII (hosts are punycoded, the rest is
    // percent-encoded), so Latin-1 is exact and the cheap way in.
    args.return_latin1(u.as_str().as_bytes());
}

/// urlParse(input, base, out): string | undefined
fn op_url_parse<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let input = args.string(0);
    let base = match args.kind(1) {
        Kind::Undefined | Kind::Null => None,
        _ => Some(args.string(1)),
    };
    match parse(&input, base.as_deref()) {
        Some(u) => return_url(args, 2, &u),
        None => args.return_undefined(),
    }
}

/// urlSet(href, setter, value, out): string | undefined (undefined only when
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
        Ok(()) => return_url(args, 3, &u),
        Err(SetError::InvalidHref) => args.return_undefined(),
        Err(SetError::UnknownSetter) => args.throw(
            ErrorKind::TypeError,
            &format!("urlSet: unknown setter '{setter}'"),
        ),
    }
}

/// urlOrigin(href): string
fn op_url_origin<S>(_: &mut S, args: &mut CallArgs<'_>) {
    match parse(&args.string(0), None) {
        Some(u) => args.return_latin1(origin(&u).as_bytes()),
        None => args.throw(ErrorKind::TypeError, "urlOrigin: the href does not parse"),
    }
}

/// UTF-16 end offsets of `items` laid end to end (what JS slices with).
pub fn utf16_ends<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<u32> {
    let mut at = 0u32;
    items
        .into_iter()
        .map(|s| {
            at += s.chars().map(|c| c.len_utf16() as u32).sum::<u32>();
            at
        })
        .collect()
}

/// Splits `text` at UTF-16 end offsets into string slices (offsets that
/// would cut a character or run past the end are clamped to char bounds).
pub fn split_utf16<'a>(text: &'a str, ends: &[u32]) -> Vec<&'a str> {
    let mut out = Vec::with_capacity(ends.len());
    let mut chars = text.char_indices();
    let (mut byte, mut unit) = (0usize, 0u32);
    let mut start = 0usize;
    for &end in ends {
        while unit < end {
            match chars.next() {
                Some((_, c)) => {
                    byte += c.len_utf8();
                    unit += c.len_utf16() as u32;
                }
                None => break,
            }
        }
        out.push(&text[start..byte]);
        start = byte;
    }
    out
}

fn read_u32s(args: &CallArgs<'_>, i: usize) -> Vec<u32> {
    let mut raw = Vec::new();
    args.append_bytes(i, &mut raw);
    raw.chunks_exact(4)
        .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// formUrlDecode(input, ends): string | undefined. Returns every name and
/// value laid end to end and writes [count, end0, end1, ...] (UTF-16
/// offsets) into the Uint32Array `ends`. When `ends` is too short it
/// returns undefined and writes only the count: grow it and call again.
/// (One string instead of an array of strings: arrays built through the V8
/// API cost several times more.)
fn op_form_url_decode<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let mut input = Vec::new();
    args.append_utf8(0, &mut input);
    // One pass: names and values go straight into one string, their UTF-16
    // end offsets into the header (after a slot for the count).
    let mut joined = String::with_capacity(input.len());
    let mut header: Vec<u8> = vec![0; 4];
    let mut units = 0u32;
    let mut push = |s: &str, joined: &mut String, header: &mut Vec<u8>| {
        joined.push_str(s);
        units += if s.is_ascii() {
            s.len() as u32
        } else {
            s.chars().map(|c| c.len_utf16() as u32).sum()
        };
        header.extend_from_slice(&units.to_ne_bytes());
    };
    let mut count = 0u32;
    for (k, v) in form_urlencoded::parse(&input) {
        push(&k, &mut joined, &mut header);
        push(&v, &mut joined, &mut header);
        count += 2;
    }
    header[..4].copy_from_slice(&count.to_ne_bytes());
    if args.bytes_len(1) < header.len() {
        args.fill_view(1, &header[..4]);
        args.return_undefined();
        return;
    }
    args.fill_view(1, &header);
    args.return_str(&joined);
}

/// formUrlEncode(joined, ends, count): string. The names and values are
/// `joined` cut at the first `count` UTF-16 end offsets of the Uint32Array
/// `ends`, as [name0, value0, name1, value1, ...].
fn op_form_url_encode<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let joined = args.string(0);
    let mut ends = read_u32s(args, 1);
    ends.truncate(args.int(2).max(0) as usize);
    let out = form_encode(split_utf16(&joined, &ends));
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

    /// Fails on any failure that is not listed as known, and on any listed
    /// case that passes (the list must stay exact); prints the counts.
    fn finish(suite: &str, pass: usize, fail: Vec<(String, String)>) {
        let known = known(suite);
        let unexpected: Vec<_> = fail.iter().filter(|(id, _)| !known.contains(id)).collect();
        for (id, why) in &unexpected {
            eprintln!("FAIL {id}: {why}");
        }
        let stale: Vec<_> = known
            .iter()
            .filter(|id| !fail.iter().any(|(f, _)| f == *id))
            .collect();
        assert!(
            stale.is_empty(),
            "known failures now pass, remove them from the list: {stale:?}"
        );
        eprintln!(
            "{suite} (rust): {pass} passed, {} failed ({} known)",
            fail.len(),
            fail.len() - unexpected.len()
        );
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
        assert_eq!(
            &parts[1..],
            [
                "https:",
                "user",
                "pw",
                "example.com:8443",
                "example.com",
                "8443",
                "/a/b",
                "?x=1",
                "#h"
            ]
        );
        assert_eq!(origin, "https://example.com:8443");
        assert!(parse("nope", None).is_none());
        assert!(parse("/x", Some("not a base")).is_none());
    }

    /// Every URL of the WPT parsing data that parses (with its base).
    fn parsed_wpt_urls() -> Vec<Url> {
        wpt("urltestdata.json")
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c.is_object())
            .filter_map(|c| parse(c["input"].as_str().unwrap(), c["base"].as_str()))
            .collect()
    }

    /// The offsets JS slices with give exactly the quirks getters, for
    /// every URL of the WPT data.
    #[test]
    fn offsets_match_getters() {
        for u in parsed_wpt_urls() {
            let href = u.as_str();
            let o = offsets(&u);
            let (parts, _) = components(&u);
            let slice = |a: u32, b: u32| &href[a as usize..b as usize];
            assert_eq!(slice(0, o[0]), parts[1], "protocol of {href}");
            for k in 0..7 {
                assert_eq!(
                    slice(o[1 + 2 * k], o[2 + 2 * k]),
                    parts[2 + k],
                    "component {k} of {href}"
                );
            }
            assert_eq!(&href[o[15] as usize..], parts[9], "hash of {href}");
        }
    }

    /// A URL's href parses back to itself: the setters re-parse the href
    /// JS holds, so the corrections must be stable under a round trip.
    #[test]
    fn corrected_hrefs_round_trip() {
        for u in parsed_wpt_urls() {
            let again = parse(u.as_str(), None).expect("an href parses");
            assert_eq!(again.as_str(), u.as_str());
        }
    }

    /// One case of each correction class, through the Rust side alone.
    #[test]
    fn corrections() {
        let href = |input: &str, base: Option<&str>| parse(input, base).unwrap().as_str().to_owned();
        // Special authority ignore slashes state.
        assert_eq!(href("///x/../y", Some("http://a/")), "http://x/y");
        assert_eq!(href(" /\\\t//x", Some("ws://a/")), "ws://x/");
        assert_eq!(href("///x", Some("file:///")), "file:///x", "not for file bases");
        // A drive letter after an empty host.
        assert_eq!(href("file:///c|/d", None), "file:///c:/d");
        assert_eq!(href("file://localhost/c|", None), "file:///c:");
        // File hosts kept with a drive letter: the input's, else the base's.
        assert_eq!(href("FILE://h/c:/", None), "file://h/c:/");
        assert_eq!(href("file://localhost/c:/", None), "file:///c:/");
        assert_eq!(href("c|", Some("file://b/D:/x")), "file://b/c:");
        assert_eq!(href("file://h/c:/", Some("file://b/")), "file://h/c:/");
        assert_eq!(href("file:c:/", Some("file://b/")), "file://b/c:/");
        assert_eq!(href("file:c:/", Some("http://b/")), "file:///c:/");
        // Setters: the "/." prefix, and an empty path after an empty host.
        let set_to = |start: &str, setter: &str, value: &str| {
            let mut u = parse(start, None).unwrap();
            set(&mut u, setter, value).unwrap();
            u.as_str().to_owned()
        };
        assert_eq!(set_to("x:/", "pathname", "//p"), "x:/.//p");
        assert_eq!(set_to("x:/.//p", "host", "h"), "x://h//p");
        assert_eq!(set_to("x:/.//p", "pathname", "/q"), "x:/q");
        assert_eq!(set_to("x:/.//p", "search", "q"), "x:/.//p?q");
        assert_eq!(set_to("x:///p", "pathname", ""), "x://");
        assert_eq!(set_to("x://h/p", "pathname", ""), "x://h");
    }

    #[test]
    fn base_cache_follows_the_base() {
        assert_eq!(parse("x", Some("http://a/b/")).unwrap().as_str(), "http://a/b/x");
        assert_eq!(parse("x", Some("http://a/b/")).unwrap().as_str(), "http://a/b/x");
        assert_eq!(parse("x", Some("http://c/")).unwrap().as_str(), "http://c/x");
        assert!(parse("x", Some("bad base")).is_none());
        assert_eq!(parse("y", Some("http://c/")).unwrap().as_str(), "http://c/y");
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
    fn utf16_offsets_round_trip() {
        let items = ["a", "é😀", "", "x y"];
        let ends = utf16_ends(items);
        assert_eq!(ends, [1, 4, 4, 7]);
        assert_eq!(split_utf16(&items.concat(), &ends), items);
        assert_eq!(split_utf16("ab", &[1, 9]), ["a", "b"], "past the end is clamped");
    }

    #[test]
    fn form_round_trip() {
        assert_eq!(
            form_decode(b"a=1&b=x+y&&c=%F0%9F%98%80&d"),
            ["a", "1", "b", "x y", "c", "😀", "d", ""]
        );
        assert_eq!(
            form_encode(["a b", "&=", "é", "*-._~"]),
            "a+b=%26%3D&%C3%A9=*-._%7E"
        );
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
