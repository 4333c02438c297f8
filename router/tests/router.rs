//! The router's rules one by one, then a property check: on random tables
//! and paths the tree agrees with a plain reading of the rules (try every
//! route, keep the most specific segment by segment from the left).

use howth_router::{RouteError, Router};

fn table(routes: &[&str]) -> Router<usize> {
    let mut r = Router::new();
    for (i, p) in routes.iter().enumerate() {
        r.insert(p, i).unwrap_or_else(|e| panic!("{p}: {e}"));
    }
    r
}

fn hit(r: &Router<usize>, path: &str) -> Option<usize> {
    r.at(path).map(|m| *m.value)
}

#[test]
fn literal_beats_param_beats_wildcard() {
    let r = table(&["/api/users/:id", "/api/users/me", "/api/*", "/*", "/"]);
    assert_eq!(hit(&r, "/api/users/me"), Some(1));
    assert_eq!(hit(&r, "/api/users/7"), Some(0));
    assert_eq!(hit(&r, "/api/users/7/posts"), Some(2));
    assert_eq!(hit(&r, "/api/users"), Some(2));
    assert_eq!(hit(&r, "/api/"), Some(2));
    assert_eq!(hit(&r, "/api"), Some(3), "`/api/*` needs the slash");
    assert_eq!(hit(&r, "/"), Some(4));
    assert_eq!(hit(&r, "/anything/else"), Some(3));
}

#[test]
fn a_better_branch_that_cannot_finish_gives_way() {
    let r = table(&["/a/b/c", "/a/:x/d", "/a/*"]);
    assert_eq!(hit(&r, "/a/b/c"), Some(0));
    assert_eq!(
        hit(&r, "/a/b/d"),
        Some(1),
        "the literal b leads nowhere: the param takes it"
    );
    assert_eq!(hit(&r, "/a/b/e"), Some(2));
    let m = r.at("/a/b/d").unwrap();
    assert_eq!(
        m.raw_params(),
        &[("x", "b")],
        "params of the abandoned branch are dropped"
    );
}

#[test]
fn params_are_whole_segments_decoded_on_read() {
    let r = table(&["/users/:id/posts/:post"]);
    let m = r.at("/users/j%C3%B6rg/posts/a%20b?sort=new#top").unwrap();
    assert_eq!(m.param("id").as_deref(), Some("jörg"));
    assert_eq!(m.param("post").as_deref(), Some("a b"));
    assert_eq!(m.param("nope"), None);
    let all: Vec<(&str, String)> = m.params().map(|(n, v)| (n, v.into_owned())).collect();
    assert_eq!(all, vec![("id", "jörg".to_string()), ("post", "a b".to_string())]);
    assert!(r.at("/users//posts/1").is_none(), "a param is never empty");
    assert!(r.at("/users/1/posts").is_none());
    assert!(r.at("/users/1/posts/2/3").is_none());
}

#[test]
fn trailing_slashes_and_queries() {
    let r = table(&["/about", "/docs/"]);
    assert_eq!(hit(&r, "/about"), Some(0));
    assert_eq!(hit(&r, "/about?x"), Some(0));
    assert_eq!(
        hit(&r, "/about/"),
        None,
        "strict: a trailing slash is another path"
    );
    assert_eq!(hit(&r, "/docs/"), Some(1));
    assert_eq!(hit(&r, "/docs"), None);
    assert_eq!(
        hit(&r, "about"),
        None,
        "a target that is not a path matches nothing"
    );
    assert_eq!(hit(&r, "*"), None);
}

#[test]
fn bad_tables_are_refused_with_the_reason() {
    let mut r = Router::new();
    r.insert("/a/:id", 0).unwrap();
    assert!(matches!(r.insert("a", 1), Err(RouteError::NotAbsolute(_))));
    assert!(matches!(
        r.insert("/a/*/b", 1),
        Err(RouteError::BadSegment { .. })
    ));
    assert!(matches!(r.insert("/a/b*", 1), Err(RouteError::BadSegment { .. })));
    assert!(matches!(r.insert("/a/:", 1), Err(RouteError::BadSegment { .. })));
    assert!(matches!(r.insert("/a/:id", 1), Err(RouteError::Duplicate(_))));
    let e = r.insert("/a/:name/x", 1).unwrap_err();
    assert!(matches!(e, RouteError::ParamNameConflict { .. }));
    assert_eq!(
        e.to_string(),
        "route \"/a/:name/x\": parameter \":name\" is where another route has \":id\""
    );
    r.insert("/s/*", 2).unwrap();
    assert!(matches!(r.insert("/s/*", 3), Err(RouteError::Duplicate(_))));
    assert_eq!(r.len(), 2, "refused routes are not counted");
    assert_eq!(hit_any(&r, "/a/1"), Some(0));
}

fn hit_any(r: &Router<i32>, path: &str) -> Option<i32> {
    r.at(path).map(|m| *m.value)
}

// ---- property: the tree agrees with the rules read plainly ------------------

/// xorshift64: deterministic, so a failure reproduces.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: [&str; 4] = ["a", "b", "c", ""];

/// How a route's segment compares, left to right: 0 literal, 1 param, 2 wildcard.
fn rank(pattern: &str, path: &str) -> Option<Vec<u8>> {
    let pat: Vec<&str> = pattern[1..].split('/').collect();
    let segs: Vec<&str> = path[1..].split('/').collect();
    let mut out = Vec::new();
    for (i, p) in pat.iter().enumerate() {
        if *p == "*" {
            // The rest of the path, at least the slash before it.
            if i >= segs.len() {
                return None;
            }
            out.push(2);
            return Some(out);
        }
        let s = segs.get(i)?;
        if p.starts_with(':') {
            if s.is_empty() {
                return None;
            }
            out.push(1);
        } else if p == s {
            out.push(0);
        } else {
            return None;
        }
    }
    (pat.len() == segs.len()).then_some(out)
}

#[test]
fn random_tables_agree_with_the_plain_rules() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..400 {
        let mut routes: Vec<String> = Vec::new();
        let mut router = Router::new();
        for _ in 0..1 + rng.below(12) {
            let depth = 1 + rng.below(3);
            let mut p = String::new();
            for d in 0..depth {
                p.push('/');
                match rng.below(6) {
                    // One param name per depth keeps names from conflicting.
                    0 => p.push_str(&format!(":p{d}")),
                    1 if d + 1 == depth => p.push('*'),
                    _ => p.push_str(WORDS[rng.below(3)]),
                }
            }
            if router.insert(&p, routes.len()).is_ok() {
                routes.push(p);
            }
        }
        for _ in 0..30 {
            let mut path = String::new();
            for _ in 0..1 + rng.below(4) {
                path.push('/');
                path.push_str(WORDS[rng.below(4)]);
            }
            let expected = routes
                .iter()
                .enumerate()
                .filter_map(|(i, p)| rank(p, &path).map(|r| (r, i)))
                .min()
                .map(|(_, i)| i);
            let got = router.at(&path).map(|m| *m.value);
            assert_eq!(got, expected, "path {path} in {routes:?}");
        }
    }
}
