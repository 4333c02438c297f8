//! The host halves of node:url (ts-lib/node/url.ts): `domainToASCII` and
//! `domainToUnicode`, which url.parse also uses for a hostname that is not
//! ASCII. Node answers them with the WHATWG host parser, so the `url`
//! crate's host parser (with its IDNA processing) decides here too: a
//! domain comes back in punycode (or Unicode), an IPv4 address normalised,
//! and anything the parser rejects as "".

use howth_engine::{CallArgs, Isolate};
use url::Host;

pub fn register<S: 'static>(iso: &mut Isolate<S>) {
    iso.set_op("domainToASCII", op_domain_to_ascii::<S>);
    iso.set_op("domainToUnicode", op_domain_to_unicode::<S>);
}

/// The host as the WHATWG parser serialises it; "" when it does not parse
/// or is an IPv6 address (Node's functions are about domains).
pub fn domain_to_ascii(domain: &str) -> String {
    match Host::parse(domain) {
        Ok(Host::Domain(d)) => d,
        Ok(Host::Ipv4(a)) => a.to_string(),
        _ => String::new(),
    }
}

/// domainToASCII(domain): string
fn op_domain_to_ascii<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let ascii = domain_to_ascii(&args.string(0));
    args.return_latin1(ascii.as_bytes());
}

/// domainToUnicode(domain): string
fn op_domain_to_unicode<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let domain = args.string(0);
    let unicode = match Host::parse(&domain) {
        Ok(Host::Ipv4(a)) => a.to_string(),
        _ => url::quirks::domain_to_unicode(&domain),
    };
    args.return_str(&unicode);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_addresses_and_rejects() {
        assert_eq!(domain_to_ascii("español.com"), "xn--espaol-zwa.com");
        assert_eq!(domain_to_ascii("EXAMPLE.com"), "example.com");
        assert_eq!(domain_to_ascii("0x7f.1"), "127.0.0.1");
        assert_eq!(domain_to_ascii("xn--iñvalid.com"), "");
        assert_eq!(
            url::quirks::domain_to_unicode("xn--espaol-zwa.com"),
            "español.com"
        );
    }
}
