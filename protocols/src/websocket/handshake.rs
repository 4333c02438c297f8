//! The opening handshake (RFC 6455 §4), both roles: the client's upgrade
//! request and its check of the server's 101, the server's check of an
//! upgrade request and its 101. `Sec-WebSocket-Accept` is SHA-1 of the key
//! and the protocol's GUID, in base64.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use sha1::{Digest, Sha1};

use super::deflate::DeflateParams;
use super::HandshakeError;
use crate::http::{write_request_head, Framing, ResponseHead};

const GUID: &[u8] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`.
pub fn accept_key(key: &[u8]) -> String {
    let mut sha = Sha1::new();
    sha.update(key.trim_ascii());
    sha.update(GUID);
    BASE64.encode(sha.finalize())
}

/// Whether any comma-separated member of the values is `token` (any case).
fn has_token<'a>(mut values: impl Iterator<Item = &'a [u8]>, token: &str) -> bool {
    values.any(|v| {
        v.split(|&b| b == b',')
            .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
    })
}

/// Subprotocol names from `Sec-WebSocket-Protocol` values.
fn protocol_list<'a>(values: impl Iterator<Item = &'a [u8]>) -> Vec<String> {
    values
        .flat_map(|v| v.split(|&b| b == b','))
        .filter_map(|t| std::str::from_utf8(t.trim_ascii()).ok())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What the server agreed to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The subprotocol the server chose among those offered.
    pub protocol: Option<String>,
    /// permessage-deflate's parameters, when the server took it.
    pub deflate: Option<DeflateParams>,
}

/// A client's side of the handshake.
#[derive(Clone, Debug)]
pub struct ClientHandshake {
    key: String,
    protocols: Vec<String>,
    deflate: Option<DeflateParams>,
}

impl ClientHandshake {
    /// A handshake with the 16 random bytes of its key (from the OS's
    /// random source: RFC 6455 wants a fresh nonce per connection),
    /// offering `protocols` and, given parameters, permessage-deflate.
    pub fn new(nonce: [u8; 16], protocols: &[&str], deflate: Option<DeflateParams>) -> ClientHandshake {
        ClientHandshake {
            key: BASE64.encode(nonce),
            protocols: protocols.iter().map(|p| (*p).to_owned()).collect(),
            deflate,
        }
    }

    /// The `Sec-WebSocket-Key` sent.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Appends the upgrade request: `GET target` with the WebSocket
    /// headers, then `headers` (an `origin`, cookies, authorization).
    pub fn write_request<V: AsRef<[u8]>>(
        &self,
        out: &mut Vec<u8>,
        host: &str,
        target: &str,
        headers: &[(&str, V)],
    ) -> Result<(), HandshakeError> {
        let protocols = self.protocols.join(", ");
        let extensions = self.deflate.map(|d| d.offer());
        let mut all: Vec<(&str, &[u8])> = vec![
            ("connection", b"Upgrade"),
            ("upgrade", b"websocket"),
            ("sec-websocket-version", b"13"),
            ("sec-websocket-key", self.key.as_bytes()),
        ];
        if !protocols.is_empty() {
            all.push(("sec-websocket-protocol", protocols.as_bytes()));
        }
        if let Some(e) = &extensions {
            all.push(("sec-websocket-extensions", e.as_bytes()));
        }
        for (name, value) in headers {
            if name.len() >= 14 && name[..14].eq_ignore_ascii_case("sec-websocket-")
                || ["connection", "upgrade"]
                    .iter()
                    .any(|n| name.eq_ignore_ascii_case(n))
            {
                return Err(HandshakeError::ReservedHeader((*name).to_owned()));
            }
            all.push((name, value.as_ref()));
        }
        write_request_head(out, "GET", target, host, &all, Framing::None).map_err(HandshakeError::Request)
    }

    /// Checks the server's final response head: 101, the upgrade headers,
    /// the accept key, a subprotocol that was offered, extensions that
    /// were offered. Anything else fails the connection.
    pub fn finish(&self, head: &ResponseHead<'_>) -> Result<Accepted, HandshakeError> {
        if head.status != 101 {
            return Err(HandshakeError::Status(head.status));
        }
        if !has_token(head.values("upgrade"), "websocket") || !has_token(head.values("connection"), "upgrade")
        {
            return Err(HandshakeError::NotUpgraded);
        }
        if head.header("sec-websocket-accept").map(<[u8]>::trim_ascii)
            != Some(accept_key(self.key.as_bytes()).as_bytes())
        {
            return Err(HandshakeError::AcceptKey);
        }
        let chosen = protocol_list(head.values("sec-websocket-protocol"));
        let protocol = match &chosen[..] {
            [] => None,
            [one] if self.protocols.contains(one) => Some(one.clone()),
            _ => return Err(HandshakeError::Protocol),
        };
        let extensions: Vec<&[u8]> = head.values("sec-websocket-extensions").collect();
        let deflate = match &self.deflate {
            Some(offer) => DeflateParams::negotiated(&extensions, offer)?,
            None if extensions.is_empty() => None,
            None => return Err(HandshakeError::Extension("not offered".into())),
        };
        Ok(Accepted { protocol, deflate })
    }
}

/// An upgrade request a server has checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpgradeRequest {
    key: String,
    /// The subprotocols the client offered, in its order of preference.
    pub protocols: Vec<String>,
    extensions: Vec<Vec<u8>>,
}

impl UpgradeRequest {
    /// Checks a request head (its method and header fields, as the
    /// server's parser gives them) for a WebSocket upgrade.
    pub fn read<'h>(
        method: &[u8],
        headers: impl IntoIterator<Item = (&'h [u8], &'h [u8])>,
    ) -> Result<UpgradeRequest, HandshakeError> {
        if method != b"GET" {
            return Err(HandshakeError::Method);
        }
        let headers: Vec<(&[u8], &[u8])> = headers.into_iter().collect();
        let values = |name: &'static str| {
            headers
                .iter()
                .filter(move |(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
                .map(|(_, v)| *v)
        };
        if !has_token(values("upgrade"), "websocket") || !has_token(values("connection"), "upgrade") {
            return Err(HandshakeError::NotUpgraded);
        }
        if values("sec-websocket-version")
            .map(<[u8]>::trim_ascii)
            .collect::<Vec<_>>()
            != [b"13"]
        {
            return Err(HandshakeError::Version);
        }
        let keys: Vec<&[u8]> = values("sec-websocket-key").map(<[u8]>::trim_ascii).collect();
        let key = match &keys[..] {
            [key] if BASE64.decode(key).is_ok_and(|k| k.len() == 16) => {
                String::from_utf8_lossy(key).into_owned()
            }
            _ => return Err(HandshakeError::Key),
        };
        Ok(UpgradeRequest {
            key,
            protocols: protocol_list(values("sec-websocket-protocol")),
            extensions: values("sec-websocket-extensions").map(<[u8]>::to_vec).collect(),
        })
    }

    /// Appends the 101 response choosing `protocol` (one the client
    /// offered) and, under `deflate`'s policy, permessage-deflate if the
    /// client offered it; returns what was agreed for the connection.
    pub fn accept(
        &self,
        out: &mut Vec<u8>,
        protocol: Option<&str>,
        deflate: Option<&DeflateParams>,
    ) -> Result<Accepted, HandshakeError> {
        if protocol.is_some_and(|p| !self.protocols.iter().any(|o| o == p)) {
            return Err(HandshakeError::Protocol);
        }
        out.extend_from_slice(b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ");
        out.extend_from_slice(accept_key(self.key.as_bytes()).as_bytes());
        out.extend_from_slice(b"\r\n");
        if let Some(p) = protocol {
            out.extend_from_slice(b"sec-websocket-protocol: ");
            out.extend_from_slice(p.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        let offers: Vec<&[u8]> = self.extensions.iter().map(Vec::as_slice).collect();
        let agreed = deflate.and_then(|policy| DeflateParams::accept(&offers, policy));
        if let Some((_, header)) = &agreed {
            out.extend_from_slice(b"sec-websocket-extensions: ");
            out.extend_from_slice(header.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        Ok(Accepted {
            protocol: protocol.map(str::to_owned),
            deflate: agreed.map(|(p, _)| p),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{Event, RequestMethod, ResponseDecoder};

    #[test]
    fn the_rfc_example_key() {
        // RFC 6455 §1.3.
        assert_eq!(
            accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn both_roles_agree() {
        let client = ClientHandshake::new(
            *b"0123456789abcdef",
            &["chat", "superchat"],
            Some(DeflateParams::default()),
        );
        let mut request = Vec::new();
        client
            .write_request(
                &mut request,
                "example.com",
                "/ws",
                &[("origin", "http://example.com")],
            )
            .unwrap();
        let mut head = howth_parser::RequestHead::new();
        let status = howth_parser::parse_request(&request, &howth_parser::Limits::default(), &mut head);
        assert_eq!(status, Ok(howth_parser::Status::Complete));
        let upgrade = UpgradeRequest::read(head.method.get(&request), head.headers(&request)).unwrap();
        assert_eq!(upgrade.protocols, ["chat", "superchat"]);

        let mut response = Vec::new();
        let agreed = upgrade
            .accept(&mut response, Some("superchat"), Some(&DeflateParams::default()))
            .unwrap();
        assert_eq!(agreed.deflate, Some(DeflateParams::default()));
        let mut decoder = ResponseDecoder::new();
        decoder.request_sent(RequestMethod::Other);
        let (_, Some(Event::Head(head))) = decoder.decode(&response, &mut Vec::new()).unwrap() else {
            panic!()
        };
        let accepted = client.finish(&head).unwrap();
        assert_eq!(
            accepted,
            Accepted {
                protocol: Some("superchat".into()),
                deflate: Some(DeflateParams::default())
            }
        );
    }

    #[test]
    fn a_client_refuses_a_bad_answer() {
        let client = ClientHandshake::new([7; 16], &["a"], None);
        let check = |response: String| {
            let mut decoder = ResponseDecoder::new();
            decoder.request_sent(RequestMethod::Other);
            let (_, Some(Event::Head(head))) = decoder.decode(response.as_bytes(), &mut Vec::new()).unwrap()
            else {
                panic!()
            };
            client.finish(&head)
        };
        let accept = accept_key(client.key().as_bytes());
        let ok = format!("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n");
        assert_eq!(check(format!("{ok}\r\n")).unwrap().protocol, None);
        assert_eq!(
            check(format!("{ok}Sec-WebSocket-Protocol: a\r\n\r\n"))
                .unwrap()
                .protocol
                .as_deref(),
            Some("a")
        );
        assert_eq!(
            check(format!("{ok}Sec-WebSocket-Protocol: b\r\n\r\n")),
            Err(HandshakeError::Protocol)
        );
        assert!(matches!(
            check(format!(
                "{ok}Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n"
            )),
            Err(HandshakeError::Extension(_))
        ));
        assert_eq!(
            check("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".into()),
            Err(HandshakeError::Status(200))
        );
        let wrong = ok.replace(&accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert_eq!(check(format!("{wrong}\r\n")), Err(HandshakeError::AcceptKey));
        let plain = ok.replace("Upgrade: websocket\r\n", "");
        assert_eq!(check(format!("{plain}\r\n")), Err(HandshakeError::NotUpgraded));
    }

    #[test]
    fn a_server_refuses_a_bad_request() {
        let read = |method: &[u8], headers: &[(&str, &str)]| {
            UpgradeRequest::read(method, headers.iter().map(|(n, v)| (n.as_bytes(), v.as_bytes())))
        };
        let good = [
            ("Upgrade", "WebSocket"),
            ("Connection", "keep-alive, Upgrade"),
            ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ];
        assert!(read(b"GET", &good).is_ok());
        assert_eq!(read(b"POST", &good), Err(HandshakeError::Method));
        let mut v8 = good;
        v8[2].1 = "8";
        assert_eq!(read(b"GET", &v8), Err(HandshakeError::Version));
        assert_eq!(HandshakeError::Version.status(), 426);
        let mut short = good;
        short[3].1 = "c2hvcnQ=";
        assert_eq!(read(b"GET", &short), Err(HandshakeError::Key));
        assert_eq!(read(b"GET", &good[1..]), Err(HandshakeError::NotUpgraded));
        let upgrade = read(b"GET", &good).unwrap();
        assert_eq!(
            upgrade.accept(&mut Vec::new(), Some("x"), None),
            Err(HandshakeError::Protocol)
        );
    }
}
