//! Route tables in the shape of `Bun.serve`'s `routes`, matched by a
//! prefix tree of path segments built once.
//!
//! A pattern is a path of `/`-separated segments; each segment is literal
//! text, a parameter (`:name`, one whole non-empty segment) or, as the last
//! segment only, a wildcard (`*`, the rest of the path: zero or more
//! segments). At each segment a literal beats a parameter, which beats a
//! wildcard; when the better branch cannot finish the match the next one is
//! tried, so the first route found is the most specific one segment by
//! segment from the left.
//!
//! ```
//! use howth_router::Router;
//!
//! let mut r = Router::new();
//! r.insert("/api/users/:id", "user").unwrap();
//! r.insert("/api/users/me", "me").unwrap();
//! r.insert("/static/*", "files").unwrap();
//!
//! let m = r.at("/api/users/42?x=1").unwrap();
//! assert_eq!((*m.value, m.param("id").as_deref()), ("user", Some("42")));
//! assert_eq!(*r.at("/api/users/me").unwrap().value, "me");
//! assert_eq!(*r.at("/static/css/site.css").unwrap().value, "files");
//! assert!(r.at("/api/users").is_none());
//! ```
//!
//! Matching borrows the path: parameter values are slices of it, decoded
//! (`%20` → space) only when read through [`Match::param`] or
//! [`Match::params`].

#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::fmt;

/// Why a pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// A pattern must start with `/`.
    NotAbsolute(String),
    /// `*` anywhere but as the whole last segment, or `:` without a name.
    BadSegment { pattern: String, segment: String },
    /// The same pattern (up to parameter names) was inserted before.
    Duplicate(String),
    /// Two patterns name the parameter at the same place differently
    /// (`/a/:id` and `/a/:name/b`): one tree node holds one name.
    ParamNameConflict {
        pattern: String,
        existing: String,
        new: String,
    },
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::NotAbsolute(p) => write!(f, "route {p:?} must start with \"/\""),
            RouteError::BadSegment { pattern, segment } => write!(
                f,
                "route {pattern:?}: segment {segment:?} is not text, \":name\" or a final \"*\""
            ),
            RouteError::Duplicate(p) => write!(f, "route {p:?} is declared twice"),
            RouteError::ParamNameConflict {
                pattern,
                existing,
                new,
            } => write!(
                f,
                "route {pattern:?}: parameter \":{new}\" is where another route has \":{existing}\""
            ),
        }
    }
}

impl std::error::Error for RouteError {}

/// One segment of the tree.
#[derive(Debug)]
struct Node<T> {
    /// Literal children, kept sorted by text for a binary search.
    statics: Vec<(Box<str>, Node<T>)>,
    param: Option<Box<(Box<str>, Node<T>)>>,
    /// The value of a pattern ending in `*` here.
    wildcard: Option<T>,
    /// The value of a pattern ending exactly here.
    value: Option<T>,
}

impl<T> Node<T> {
    fn new() -> Node<T> {
        Node {
            statics: Vec::new(),
            param: None,
            wildcard: None,
            value: None,
        }
    }
}

/// A route table: patterns to values.
#[derive(Debug)]
pub struct Router<T> {
    root: Node<T>,
    len: usize,
}

impl<T> Default for Router<T> {
    fn default() -> Self {
        Router::new()
    }
}

/// A matched route: its value and the parameters the path gave it.
#[derive(Debug)]
pub struct Match<'r, 'p, T> {
    pub value: &'r T,
    /// (name, raw value) in pattern order; the values are slices of the path.
    raw: Vec<(&'r str, &'p str)>,
}

impl<'r, 'p, T> Match<'r, 'p, T> {
    /// The parameter `name`, percent-decoded (invalid UTF-8 is replaced).
    pub fn param(&self, name: &str) -> Option<Cow<'p, str>> {
        self.raw.iter().find(|(n, _)| *n == name).map(|(_, v)| decode(v))
    }

    /// Every parameter, decoded, in pattern order.
    pub fn params(&self) -> impl Iterator<Item = (&'r str, Cow<'p, str>)> + '_ {
        self.raw.iter().map(|(n, v)| (*n, decode(v)))
    }

    /// Every parameter as it stands in the path.
    pub fn raw_params(&self) -> &[(&'r str, &'p str)] {
        &self.raw
    }
}

fn decode(v: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(v).decode_utf8_lossy()
}

/// What one pattern segment is.
enum Segment<'a> {
    Literal(&'a str),
    Param(&'a str),
    Wildcard,
}

fn parse_segment<'a>(pattern: &str, seg: &'a str, last: bool) -> Result<Segment<'a>, RouteError> {
    let bad = || RouteError::BadSegment {
        pattern: pattern.to_string(),
        segment: seg.to_string(),
    };
    if seg == "*" {
        return if last { Ok(Segment::Wildcard) } else { Err(bad()) };
    }
    if let Some(name) = seg.strip_prefix(':') {
        return if name.is_empty() || name.contains(['*', ':']) {
            Err(bad())
        } else {
            Ok(Segment::Param(name))
        };
    }
    if seg.contains('*') {
        return Err(bad());
    }
    Ok(Segment::Literal(seg))
}

/// The path part of a request target: up to `?` or `#`.
fn path_of(target: &str) -> &str {
    match target.find(['?', '#']) {
        Some(i) => &target[..i],
        None => target,
    }
}

impl<T> Router<T> {
    pub fn new() -> Router<T> {
        Router {
            root: Node::new(),
            len: 0,
        }
    }

    /// How many routes the table holds.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds `pattern` → `value`.
    pub fn insert(&mut self, pattern: &str, value: T) -> Result<(), RouteError> {
        let Some(rest) = pattern.strip_prefix('/') else {
            return Err(RouteError::NotAbsolute(pattern.to_string()));
        };
        let segments: Vec<&str> = rest.split('/').collect();
        // Validate everything before changing the tree.
        let parsed = segments
            .iter()
            .enumerate()
            .map(|(i, s)| parse_segment(pattern, s, i + 1 == segments.len()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut node = &mut self.root;
        for seg in parsed {
            node = match seg {
                Segment::Literal(text) => {
                    let i = match node.statics.binary_search_by(|(t, _)| (**t).cmp(text)) {
                        Ok(i) => i,
                        Err(i) => {
                            node.statics.insert(i, (text.into(), Node::new()));
                            i
                        }
                    };
                    &mut node.statics[i].1
                }
                Segment::Param(name) => {
                    let p = node
                        .param
                        .get_or_insert_with(|| Box::new((name.into(), Node::new())));
                    if &*p.0 != name {
                        return Err(RouteError::ParamNameConflict {
                            pattern: pattern.to_string(),
                            existing: p.0.to_string(),
                            new: name.to_string(),
                        });
                    }
                    &mut p.1
                }
                Segment::Wildcard => {
                    if node.wildcard.is_some() {
                        return Err(RouteError::Duplicate(pattern.to_string()));
                    }
                    node.wildcard = Some(value);
                    self.len += 1;
                    return Ok(());
                }
            };
        }
        if node.value.is_some() {
            return Err(RouteError::Duplicate(pattern.to_string()));
        }
        node.value = Some(value);
        self.len += 1;
        Ok(())
    }

    /// The route for a request target (`/path?query`: the query is
    /// ignored), or None.
    pub fn at<'r, 'p>(&'r self, target: &'p str) -> Option<Match<'r, 'p, T>> {
        let path = path_of(target).strip_prefix('/')?;
        let mut raw = Vec::new();
        let value = find(&self.root, path, &mut raw)?;
        Some(Match { value, raw })
    }
}

/// Matches `rest` (the path after this node's segment and its `/`) below
/// `node`, pushing parameters onto `raw`; on failure `raw` is as it was.
fn find<'r, 'p, T>(node: &'r Node<T>, rest: &'p str, raw: &mut Vec<(&'r str, &'p str)>) -> Option<&'r T> {
    let (seg, tail) = match rest.find('/') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    if let Ok(i) = node.statics.binary_search_by(|(t, _)| (**t).cmp(seg)) {
        let child = &node.statics[i].1;
        if let Some(v) = end_or_descend(child, tail, raw) {
            return Some(v);
        }
    }
    if let Some(p) = &node.param {
        if !seg.is_empty() {
            raw.push((&p.0, seg));
            if let Some(v) = end_or_descend(&p.1, tail, raw) {
                return Some(v);
            }
            raw.pop();
        }
    }
    node.wildcard.as_ref()
}

fn end_or_descend<'r, 'p, T>(
    child: &'r Node<T>,
    tail: Option<&'p str>,
    raw: &mut Vec<(&'r str, &'p str)>,
) -> Option<&'r T> {
    match tail {
        // `/static/*` does not match `/static` (it does `/static/`).
        None => child.value.as_ref(),
        Some(t) => find(child, t, raw),
    }
}
