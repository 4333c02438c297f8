//! Shared by the TLS fuzz targets: a session fed arbitrary records whole
//! and in two pieces (split where the first byte says); both ways must
//! agree on the plaintext and on whether the input is refused.

use howth_tls::Session;

pub fn feed(mut session: Session, pieces: &[&[u8]]) -> (Vec<u8>, bool) {
    let mut plaintext = Vec::new();
    let mut out = Vec::new();
    session.write_output(&mut out);
    for piece in pieces {
        if session.receive(piece, &mut plaintext).is_err() {
            session.write_output(&mut out);
            return (plaintext, true);
        }
        while session.poll_event().is_some() {}
        session.write_output(&mut out);
    }
    (plaintext, false)
}

pub fn check(make: impl Fn() -> Session, data: &[u8]) {
    let Some((&split, input)) = data.split_first() else { return };
    let at = (split as usize * input.len()) / 256;
    let whole = feed(make(), &[input]);
    let halves = feed(make(), &[&input[..at], &input[at..]]);
    assert_eq!(whole, halves, "split at {at} changed the outcome");
}
