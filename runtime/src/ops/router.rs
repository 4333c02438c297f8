//! `routes` in the serve options (ts-lib/routes.ts): the route patterns go
//! into a howth_router::Router once per server, and each request's target
//! is matched here, in Rust, before any handler runs.

use std::cell::RefCell;

use howth_engine::{CallArgs, ErrorKind, Isolate, Kind};
use howth_router::Router;

thread_local! {
    /// The route tables of this thread's isolate (each worker thread has its
    /// own), by the id routerNew returned.
    static TABLES: RefCell<Vec<Router<u32>>> = const { RefCell::new(Vec::new()) };
    /// The decoded parameter values of the last match, for routerParams.
    static LAST_PARAMS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

pub fn register<S: 'static>(iso: &mut Isolate<S>) {
    iso.set_op("routerNew", op_new::<S>);
    iso.set_op("routerMatch", op_match::<S>);
    iso.set_op("routerParams", op_params::<S>);
}

/// `routerNew(patterns)`: the patterns joined by "\n" (no path holds one),
/// route i being the i-th; returns the table's id, or throws a TypeError
/// naming the pattern refused and why.
fn op_new<S>(_: &mut S, args: &mut CallArgs<'_>) {
    if args.kind(0) != Kind::String {
        return args.throw(ErrorKind::TypeError, "routerNew: the patterns must be a string");
    }
    let joined = args.string(0);
    let mut router = Router::new();
    for (i, pattern) in joined.split('\n').enumerate() {
        if let Err(e) = router.insert(pattern, i as u32) {
            return args.throw(ErrorKind::TypeError, &format!("Howth.serve: {e}"));
        }
    }
    let id = TABLES.with(|t| {
        let mut t = t.borrow_mut();
        t.push(router);
        t.len() - 1
    });
    args.return_int(id as i32);
}

/// `routerMatch(id, target)`: the index of the route for a request target
/// (`/path?query`), or -1. The parameters wait for routerParams.
fn op_match<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let id = args.int(0);
    let target = args.string(1);
    let found = TABLES.with(|t| {
        let t = t.borrow();
        let router = usize::try_from(id).ok().and_then(|i| t.get(i))?;
        let m = router.at(&target)?;
        if !m.raw_params().is_empty() {
            LAST_PARAMS.with(|p| {
                let mut p = p.borrow_mut();
                p.clear();
                p.extend(m.params().map(|(_, v)| v.into_owned()));
            });
        }
        Some(*m.value)
    });
    args.return_int(found.map_or(-1, |i| i as i32));
}

/// `routerParams()`: the last match's parameter values, decoded, in the
/// order its pattern names them.
fn op_params<S>(_: &mut S, args: &mut CallArgs<'_>) {
    LAST_PARAMS.with(|p| {
        let p = p.borrow();
        let items: Vec<&[u8]> = p.iter().map(|s| s.as_bytes()).collect();
        args.return_strings(&items, false);
    });
}
