//! BroadcastChannel between the isolates of one process (the workers of
//! `--workers`, each a thread with its own isolate and loop).
//!
//! ts-lib/messaging.ts delivers to the channels of its own isolate itself;
//! this module carries a message to the other isolates. An isolate listens
//! on a name while it has a channel of that name open: its [`Inbox`] is
//! entered in a process-wide table under the name. A message posted there
//! is serialised once with V8's serializer (the format structuredClone
//! uses), sent to every other listening isolate's inbox, and its loop is
//! woken the way a finished pool job wakes it. The loop calls [`deliver`]
//! once per turn; ts-lib's callback takes each message (deserialised in the
//! receiving isolate) and dispatches it to that isolate's channels.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use howth_engine::{CallArgs, ErrorKind, Isolate, JsError, Kind, Value};

use crate::pool::Wake;
use crate::RuntimeState;

/// A posted message: its channel name and V8's serialisation of the value,
/// shared by all the inboxes it goes to.
struct Message {
    name: Arc<str>,
    bytes: Arc<[u8]>,
}

/// An isolate listening on a name: where its messages go and how its loop
/// is woken.
struct Listener {
    isolate: u32,
    to: Sender<Message>,
    wake: Option<Wake>,
}

/// Channel name to the isolates listening on it.
fn listeners() -> &'static Mutex<HashMap<String, Vec<Listener>>> {
    static TABLE: OnceLock<Mutex<HashMap<String, Vec<Listener>>>> = OnceLock::new();
    TABLE.get_or_init(Default::default)
}

fn table() -> std::sync::MutexGuard<'static, HashMap<String, Vec<Listener>>> {
    // A panic while the table was held leaves it consistent (every change
    // is one insert or retain), so a poisoned lock is still usable.
    listeners().lock().unwrap_or_else(|e| e.into_inner())
}

/// One isolate's end: its id, the names it listens on and the messages
/// other isolates posted to them.
pub struct Inbox {
    isolate: u32,
    to: Sender<Message>,
    from: Receiver<Message>,
    names: HashSet<String>,
    /// ts-lib's function that takes and dispatches the current message.
    callback: Option<Value>,
    current: Option<Message>,
}

impl Default for Inbox {
    fn default() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let (to, from) = mpsc::channel();
        Inbox {
            isolate: NEXT.fetch_add(1, Ordering::Relaxed),
            to,
            from,
            names: HashSet::new(),
            callback: None,
            current: None,
        }
    }
}

impl Drop for Inbox {
    /// A runtime that ends (a worker stopped or restarted) listens no more.
    fn drop(&mut self) {
        if self.names.is_empty() {
            return;
        }
        let mut table = table();
        for name in self.names.drain() {
            unlisten(&mut table, &name, self.isolate);
        }
    }
}

fn unlisten(table: &mut HashMap<String, Vec<Listener>>, name: &str, isolate: u32) {
    if let Some(list) = table.get_mut(name) {
        list.retain(|l| l.isolate != isolate);
        if list.is_empty() {
            table.remove(name);
        }
    }
}

/// Sends `bytes` to every isolate but `from` listening on `name`; an inbox
/// whose runtime is gone is dropped from the table.
fn post(from: u32, name: &str, bytes: Vec<u8>) {
    let mut table = table();
    let Some(list) = table.get_mut(name) else {
        return;
    };
    let name: Arc<str> = name.into();
    let bytes: Arc<[u8]> = bytes.into();
    list.retain(|l| {
        if l.isolate == from {
            return true;
        }
        let sent = l.to.send(Message {
            name: name.clone(),
            bytes: bytes.clone(),
        });
        if sent.is_ok() {
            if let Some(wake) = &l.wake {
                wake();
            }
        }
        sent.is_ok()
    });
}

pub fn register<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) {
    iso.set_op("broadcastListen", op_listen::<X>);
    iso.set_op("broadcastSetCallback", op_set_callback::<X>);
    iso.set_op("broadcastName", op_name::<X>);
    iso.set_op("broadcastTake", op_take::<X>);
    // Stateless: serialising may run getters, which may call any op.
    iso.set_stateless_op("broadcastPost", op_post);
}

/// Hands every message that has arrived to ts-lib's callback. The caller
/// runs microtasks afterwards.
pub(crate) fn deliver<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) -> Result<(), JsError> {
    loop {
        let inbox = &mut iso.state().broadcast;
        if inbox.names.is_empty() {
            return Ok(());
        }
        let Ok(message) = inbox.from.try_recv() else {
            return Ok(());
        };
        let Some(callback) = inbox.callback.take() else {
            continue;
        };
        inbox.current = Some(message);
        let called = iso.call_with_int(&callback, 0);
        let inbox = &mut iso.state().broadcast;
        inbox.callback = Some(callback);
        inbox.current = None;
        called?;
    }
}

/// broadcastListen(name, on): starts (on) or stops listening on `name` in
/// this isolate; returns the isolate's id, which broadcastPost takes.
fn op_listen<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let name = args.string(0);
    let inbox = &mut state.broadcast;
    let mut table = table();
    if args.bool(1) {
        if inbox.names.insert(name.clone()) {
            table.entry(name).or_default().push(Listener {
                isolate: inbox.isolate,
                to: inbox.to.clone(),
                wake: state.pool.wake(),
            });
        }
    } else if inbox.names.remove(&name) {
        unlisten(&mut table, &name, inbox.isolate);
    }
    args.return_int(inbox.isolate as i32);
}

fn op_set_callback<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    if args.kind(0) != Kind::Function {
        return args.throw(ErrorKind::TypeError, "broadcastSetCallback expects a function");
    }
    state.broadcast.callback = Some(args.value(0));
}

/// broadcastName(): the channel name of the message being delivered.
fn op_name<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    match &state.broadcast.current {
        Some(m) => args.return_str(&m.name),
        None => args.throw(ErrorKind::Error, "no broadcast message is being delivered"),
    }
}

/// broadcastTake(): the value of the message being delivered, deserialised
/// in this isolate.
fn op_take<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    match &state.broadcast.current {
        Some(m) => args.return_deserialized(&m.bytes),
        None => args.throw(ErrorKind::Error, "no broadcast message is being delivered"),
    }
}

/// broadcastPost(isolate, name, value): serialises value and sends it to
/// the other isolates listening on name; throws what the serializer throws
/// for a value that cannot cross (a function, a SharedArrayBuffer).
fn op_post(args: &mut CallArgs<'_>) {
    let from = args.int(0) as u32;
    let name = args.string(1);
    let mut bytes = Vec::new();
    if !args.serialize(2, &mut bytes) {
        return; // the serializer's exception is pending
    }
    post(from, &name, bytes);
    args.return_undefined();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_reaches_the_other_listeners_of_its_name_only() {
        let (a, b, c) = (Inbox::default(), Inbox::default(), Inbox::default());
        let name = "broadcast-unit-test";
        {
            let mut t = table();
            for inbox in [&a, &b] {
                t.entry(name.into()).or_default().push(Listener {
                    isolate: inbox.isolate,
                    to: inbox.to.clone(),
                    wake: None,
                });
            }
            t.entry("other".into()).or_default().push(Listener {
                isolate: c.isolate,
                to: c.to.clone(),
                wake: None,
            });
        }
        post(a.isolate, name, vec![1, 2, 3]);
        assert!(a.from.try_recv().is_err(), "not to the sender");
        let m = b.from.try_recv().expect("to the other listener");
        assert_eq!((&*m.name, &*m.bytes), (name, &[1u8, 2, 3][..]));
        assert!(c.from.try_recv().is_err(), "not to another name");
        // An inbox that is gone is dropped from the table on the next post.
        let b_id = b.isolate;
        drop(b);
        post(a.isolate, name, vec![4]);
        assert!(table()[name].iter().all(|l| l.isolate != b_id));
        let mut t = table();
        unlisten(&mut t, name, a.isolate);
        unlisten(&mut t, "other", c.isolate);
        assert!(!t.contains_key(name));
    }
}
