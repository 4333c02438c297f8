//! Name resolution for node:dns's `lookup` and for outgoing connections:
//! the C library's `getaddrinfo` (through the dns-lookup crate), so
//! /etc/hosts, nsswitch and the system's resolver configuration are
//! honoured as Node honours them; run on the worker pool (crate::pool),
//! since it blocks; answers kept for [`CACHE_TTL`], since getaddrinfo
//! reports no TTL and a server calling one upstream would otherwise ask
//! for its address on every request. [`connect_order`] interleaves the
//! answers' families for happy-eyeballs connects (RFC 8305).
//!
//! The JS half is ts-lib/node/dns.ts.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use dns_lookup::{AddrInfoHints, LookupErrorKind, SockType};
use howth_engine::{CallArgs, ErrorKind, Isolate, Kind};
use serde_json::json;

use crate::ops::host::HostValue;
use crate::pool::Outcome;
use crate::RuntimeState;

/// How long an answer is reused.
pub const CACHE_TTL: Duration = Duration::from_secs(30);

/// Most names cached; the cache is cleared rather than evicted when full
/// (a process talks to a handful of hosts).
const CACHE_SIZE: usize = 1024;

/// RFC 8305 §5's Connection Attempt Delay: how long a connect waits on one
/// address before starting the next in [`connect_order`].
pub const ATTEMPT_DELAY: Duration = Duration::from_millis(250);

/// Which addresses to ask for: Node's `family` option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    Any,
    V4,
    V6,
}

impl Family {
    /// Node's number: 0, 4 or 6.
    pub fn from_number(n: u8) -> Option<Family> {
        match n {
            0 => Some(Family::Any),
            4 => Some(Family::V4),
            6 => Some(Family::V6),
            _ => None,
        }
    }
}

/// A failed lookup, with the fields Node's error carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookupError {
    /// `ENOTFOUND` for a name that does not exist (or has no address of
    /// the family asked for), else getaddrinfo's `EAI_*` name.
    pub code: &'static str,
    /// libuv's (negative) number for it, as Node reports it.
    pub errno: i32,
}

impl LookupError {
    fn from_kind(kind: LookupErrorKind) -> LookupError {
        // libuv's UV_EAI_* numbers; Node names EAI_NONAME and EAI_NODATA
        // ENOTFOUND.
        let (code, errno) = match kind {
            LookupErrorKind::NoName | LookupErrorKind::NoData => ("ENOTFOUND", -3008),
            LookupErrorKind::Again => ("EAI_AGAIN", -3001),
            LookupErrorKind::Badflags => ("EAI_BADFLAGS", -3002),
            LookupErrorKind::Fail => ("EAI_FAIL", -3004),
            LookupErrorKind::Family => ("EAI_FAMILY", -3005),
            LookupErrorKind::Memory => ("EAI_MEMORY", -3006),
            LookupErrorKind::Service => ("EAI_SERVICE", -3010),
            LookupErrorKind::Socktype => ("EAI_SOCKTYPE", -3011),
            _ => ("EAI_SYSTEM", -3000),
        };
        LookupError { code, errno }
    }
}

/// Answers by lower-case name and family, with when they were got.
type Cache = Mutex<HashMap<(String, Family), (Instant, Vec<IpAddr>)>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The addresses of `host`, in the order getaddrinfo gave them (which
/// follows RFC 6724 and /etc/gai.conf), one per address. An IP address
/// literal is its own answer. Blocks: call it on the worker pool.
pub fn lookup(host: &str, family: Family) -> Result<Vec<IpAddr>, LookupError> {
    // As in Node, whatever family was asked for.
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    let key = (host.to_ascii_lowercase(), family);
    if let Some((at, addrs)) = cache().lock().ok().and_then(|c| c.get(&key).cloned()) {
        if at.elapsed() < CACHE_TTL {
            return Ok(addrs);
        }
    }
    let addrs = getaddrinfo(host, family)?;
    if let Ok(mut cache) = cache().lock() {
        if cache.len() >= CACHE_SIZE {
            cache.clear();
        }
        cache.insert(key, (Instant::now(), addrs.clone()));
    }
    Ok(addrs)
}

fn getaddrinfo(host: &str, family: Family) -> Result<Vec<IpAddr>, LookupError> {
    let hints = AddrInfoHints {
        // One answer per address, not one per socket type.
        socktype: SockType::Stream.into(),
        address: match family {
            Family::Any => 0,
            Family::V4 => 2,  // AF_INET
            Family::V6 => 10, // AF_INET6 (Linux)
        },
        ..AddrInfoHints::default()
    };
    let answers = dns_lookup::getaddrinfo(Some(host), None, Some(hints))
        .map_err(|e| LookupError::from_kind(e.kind()))?;
    let mut addrs: Vec<IpAddr> = Vec::new();
    for answer in answers {
        let Ok(info) = answer else { continue };
        let ip = info.sockaddr.ip();
        if !addrs.contains(&ip) {
            addrs.push(ip);
        }
    }
    if addrs.is_empty() {
        return Err(LookupError::from_kind(LookupErrorKind::NoData));
    }
    Ok(addrs)
}

/// The order to try `addrs` in when connecting (RFC 8305 §4): the first
/// answer's family first, then the families alternating, so a broken IPv6
/// path costs one [`ATTEMPT_DELAY`] before IPv4 is tried, not a timeout
/// per IPv6 address.
pub fn connect_order(addrs: &[IpAddr], port: u16) -> Vec<SocketAddr> {
    let Some(first) = addrs.first() else {
        return Vec::new();
    };
    let (mut same, mut other): (Vec<IpAddr>, Vec<IpAddr>) =
        addrs.iter().partition(|a| a.is_ipv6() == first.is_ipv6());
    same.reverse();
    other.reverse();
    let mut order = Vec::with_capacity(addrs.len());
    loop {
        match (same.pop(), other.pop()) {
            (None, None) => return order,
            (a, b) => order.extend(a.into_iter().chain(b).map(|ip| SocketAddr::new(ip, port))),
        }
    }
}

pub fn register<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) {
    iso.set_op("dnsLookup", op_dns_lookup::<X>);
}

/// `dnsLookup(isAsync, hostname, family)`: the addresses as
/// `[[address, family], ...]`, or Node's error fields; inline or on the
/// pool, as fsCall.
fn op_dns_lookup<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let is_async = args.bool(0);
    if args.kind(1) != Kind::String {
        return args.throw(ErrorKind::TypeError, "dnsLookup: hostname must be a string");
    }
    let host = args.string(1);
    let Some(family) = Family::from_number(args.number(2) as u8) else {
        return args.throw(ErrorKind::TypeError, "dnsLookup: family must be 0, 4 or 6");
    };
    state
        .pool
        .run_or_submit(args, is_async, move || lookup_outcome(&host, family));
}

fn lookup_outcome(host: &str, family: Family) -> Outcome {
    match lookup(host, family) {
        Ok(addrs) => Ok(HostValue::Json(
            addrs
                .iter()
                .map(|a| json!([a.to_string(), if a.is_ipv4() { 4 } else { 6 }]))
                .collect(),
        )),
        Err(e) => Err(HostValue::Json(json!({
            "message": format!("getaddrinfo {} {host}", e.code),
            "code": e.code,
            "errno": e.errno,
            "syscall": "getaddrinfo",
            "hostname": host,
        }))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(list: &[&str]) -> Vec<IpAddr> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn connect_order_alternates_families_from_the_first() {
        let order = connect_order(
            &ips(&[
                "2001:db8::1",
                "2001:db8::2",
                "192.0.2.1",
                "2001:db8::3",
                "192.0.2.2",
            ]),
            80,
        );
        let shown: Vec<String> = order.iter().map(|a| a.to_string()).collect();
        assert_eq!(
            shown,
            [
                "[2001:db8::1]:80",
                "192.0.2.1:80",
                "[2001:db8::2]:80",
                "192.0.2.2:80",
                "[2001:db8::3]:80"
            ]
        );
        let v4_first = connect_order(&ips(&["192.0.2.1", "2001:db8::1", "2001:db8::2"]), 443);
        assert_eq!(v4_first[0].to_string(), "192.0.2.1:443");
        assert_eq!(v4_first[1].to_string(), "[2001:db8::1]:443");
        assert!(connect_order(&[], 1).is_empty());
    }

    #[test]
    fn literals_localhost_and_names_that_do_not_exist() {
        assert_eq!(lookup("127.0.0.1", Family::Any), Ok(ips(&["127.0.0.1"])));
        assert_eq!(lookup("::1", Family::V4), Ok(ips(&["::1"])));
        let local = lookup("localhost", Family::V4).unwrap();
        assert!(local.contains(&"127.0.0.1".parse().unwrap()), "{local:?}");
        // RFC 6761: .invalid never resolves.
        let err = lookup("no-such-host.invalid", Family::Any).unwrap_err();
        assert_eq!(
            err,
            LookupError {
                code: "ENOTFOUND",
                errno: -3008
            }
        );
        // A second answer comes from the cache.
        let key = ("localhost".to_string(), Family::V4);
        assert!(cache().lock().unwrap().contains_key(&key));
        assert_eq!(lookup("LOCALHOST", Family::V4).unwrap(), local);
    }
}
