//! One Postgres connection: startup and authentication, then pipelined
//! extended-protocol queries, each answered by one `Event::Complete`.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use fallible_iterator::FallibleIterator;
use postgres_protocol::authentication::sasl::{
    ChannelBinding, ScramSha256, SCRAM_SHA_256, SCRAM_SHA_256_PLUS,
};
use postgres_protocol::message::backend::{Header, Message, RowDescriptionBody};
use postgres_protocol::message::frontend;
use postgres_protocol::IsNull;

use super::error::{Error, ServerError};
use super::types::{decode_text, DecodeError, Value};

/// Prepared statements kept per connection; queries beyond it are parsed
/// as the unnamed statement every time, so a stream of distinct query texts
/// cannot grow the server's or the client's memory.
pub const STATEMENT_CACHE: usize = 256;

/// Largest message accepted from the server (its own limit for a field is
/// 1 GiB).
pub const MAX_MESSAGE: usize = 1 << 30;

/// Who connects to what.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub user: String,
    pub password: Option<String>,
    /// Defaults to the user name on the server side.
    pub database: Option<String>,
    pub application_name: Option<String>,
    /// More startup parameters (`search_path`, `statement_timeout`, ...).
    pub params: Vec<(String, String)>,
    /// On a TLS connection, the hash of the server's certificate
    /// (`tls-server-end-point`, RFC 5929): SCRAM then binds the login to
    /// the TLS channel when the server offers SCRAM-SHA-256-PLUS.
    pub tls_server_end_point: Option<Vec<u8>>,
}

/// Names a query; its `Event::Complete` carries the same id.
pub type QueryId = u64;

/// The transaction state the server reported with its last ReadyForQuery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransactionStatus {
    Idle,
    InTransaction,
    /// In a transaction that failed: only ROLLBACK will be accepted.
    Failed,
}

/// A result column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub type_oid: u32,
    /// The table and column it comes from, 0 when it is computed.
    pub table_oid: u32,
    pub column_id: i16,
}

/// One row, kept as the DataRow message's bytes.
#[derive(Clone, Debug)]
pub struct Row {
    columns: Arc<[Column]>,
    data: Bytes,
    ranges: Vec<Option<(u32, u32)>>,
}

impl Row {
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Column `i` as the server's text, `None` for NULL.
    pub fn raw(&self, i: usize) -> Option<&[u8]> {
        self.ranges[i].map(|(start, end)| &self.data[start as usize..end as usize])
    }

    /// Column `i` decoded by its type.
    pub fn value(&self, i: usize) -> Result<Value, DecodeError> {
        match self.raw(i) {
            None => Ok(Value::Null),
            Some(text) => decode_text(self.columns[i].type_oid, text),
        }
    }

    /// Every column decoded.
    pub fn values(&self) -> Result<Vec<Value>, DecodeError> {
        (0..self.len()).map(|i| self.value(i)).collect()
    }
}

/// The result of one query.
#[derive(Clone, Debug)]
pub struct QueryResult {
    pub columns: Arc<[Column]>,
    pub rows: Vec<Row>,
    /// The command tag: `SELECT 3`, `INSERT 0 1`, `UPDATE 2`, `BEGIN`;
    /// empty for an empty query.
    pub tag: String,
}

impl QueryResult {
    /// The row count at the end of the tag, for commands that have one.
    pub fn affected(&self) -> Option<u64> {
        self.tag.rsplit(' ').next()?.parse().ok()
    }
}

/// Something that happened on the connection.
#[derive(Debug)]
pub enum Event {
    /// Authenticated and ready; queries issued before it are sent now.
    Ready,
    /// Query `id` finished.
    Complete {
        id: QueryId,
        result: Result<QueryResult, Error>,
    },
    /// Simple query `id` finished: one result per statement. The
    /// statements of one simple query run as one implicit transaction
    /// (unless they hold their own BEGIN/COMMIT), so on an error none of
    /// them took effect.
    SimpleComplete {
        id: QueryId,
        result: Result<Vec<QueryResult>, Error>,
    },
    /// `NOTIFY channel, 'payload'` from the session `process_id`.
    Notification {
        process_id: i32,
        channel: String,
        payload: String,
    },
    /// A NoticeResponse (a warning or a notice, not an error).
    Notice(ServerError),
    /// The connection is unusable (refused, broken, or closed:
    /// `Error::Closed`); every query still waiting is completed with
    /// `Err(Error::Closed)` right after this event.
    Failed(Error),
}

#[derive(Debug)]
enum Phase {
    /// Startup sent, waiting for an authentication request.
    Startup,
    Sasl(Scram),
    /// Authenticated; ParameterStatus and BackendKeyData until the first
    /// ReadyForQuery.
    Authenticated,
    Ready,
    Failed,
}

/// The SCRAM exchange in progress (the crate's type has no `Debug`).
struct Scram(Box<ScramSha256>);

impl std::fmt::Debug for Scram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scram")
    }
}

#[derive(Debug)]
struct InFlight {
    id: QueryId,
    /// The statement this query prepared, to forget if preparing failed.
    prepared: Option<String>,
    columns: Option<Arc<[Column]>>,
    rows: Vec<Row>,
    tag: String,
    error: Option<ServerError>,
    /// Sent with the simple query protocol: one result per statement.
    simple: bool,
    statements: Vec<QueryResult>,
}

impl InFlight {
    fn new(id: QueryId, prepared: Option<String>, simple: bool) -> Self {
        InFlight {
            id,
            prepared,
            columns: None,
            rows: Vec::new(),
            tag: String::new(),
            error: None,
            simple,
            statements: Vec::new(),
        }
    }

    /// The statement's result so far, leaving room for the next one.
    fn take_result(&mut self) -> QueryResult {
        QueryResult {
            columns: self.columns.take().unwrap_or_else(|| Arc::from(Vec::new())),
            rows: std::mem::take(&mut self.rows),
            tag: std::mem::take(&mut self.tag),
        }
    }
}

/// A Postgres connection as a state machine; see the [module docs](super).
#[derive(Debug)]
pub struct Connection {
    config: Config,
    phase: Phase,
    read: BytesMut,
    /// Bytes for the socket, taken with [`Connection::take_output`].
    write: BytesMut,
    /// Queries issued before the session was ready.
    backlog: BytesMut,
    /// Where one query's messages are built.
    scratch: BytesMut,
    in_flight: VecDeque<InFlight>,
    queued: VecDeque<Event>,
    statements: HashMap<String, String>,
    next_statement: u64,
    next_id: QueryId,
    backend_key: Option<(i32, i32)>,
    parameters: HashMap<String, String>,
    transaction: TransactionStatus,
}

impl Connection {
    pub fn new(config: Config) -> Self {
        Connection {
            config,
            phase: Phase::Startup,
            read: BytesMut::new(),
            write: BytesMut::new(),
            backlog: BytesMut::new(),
            scratch: BytesMut::new(),
            in_flight: VecDeque::new(),
            queued: VecDeque::new(),
            statements: HashMap::new(),
            next_statement: 0,
            next_id: 0,
            backend_key: None,
            parameters: HashMap::new(),
            transaction: TransactionStatus::Idle,
        }
    }

    /// Queues the startup message; call once, when the socket has
    /// connected. `DateStyle` and `TimeZone` are fixed so that dates and
    /// timestamps arrive in the one format the value decoder reads.
    pub fn start(&mut self) {
        let mut params: Vec<(&str, &str)> = vec![
            ("user", &self.config.user),
            ("client_encoding", "UTF8"),
            ("DateStyle", "ISO"),
            ("TimeZone", "UTC"),
            ("extra_float_digits", "3"),
        ];
        if let Some(db) = &self.config.database {
            params.push(("database", db));
        }
        if let Some(name) = &self.config.application_name {
            params.push(("application_name", name));
        }
        params.extend(self.config.params.iter().map(|(k, v)| (&k[..], &v[..])));
        // Only a NUL inside a parameter can fail; it is cut off instead.
        let _ = frontend::startup_message(params.iter().map(|&(k, v)| (k, v)), &mut self.write);
    }

    /// Queues query `sql` with text parameters (`None` is NULL), bound to
    /// `$1`, `$2`, ... and typed by the server from the query. The query
    /// gets its own Sync, so its failure fails no other query.
    pub fn query(&mut self, sql: &str, params: &[Option<&[u8]>]) -> QueryId {
        let id = self.next_id;
        self.next_id += 1;
        if matches!(self.phase, Phase::Failed) {
            self.queued.push_back(Event::Complete {
                id,
                result: Err(Error::Closed),
            });
            return id;
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let buf = &mut scratch;
        let mut prepared = None;
        let statement = match self.statements.get(sql) {
            Some(name) => name.clone(),
            None => {
                let name = if self.statements.len() < STATEMENT_CACHE {
                    let name = format!("s{}", self.next_statement);
                    self.next_statement += 1;
                    self.statements.insert(sql.to_owned(), name.clone());
                    prepared = Some(sql.to_owned());
                    name
                } else {
                    String::new()
                };
                if frontend::parse(&name, sql, std::iter::empty(), buf).is_err() {
                    self.forget(prepared.as_deref());
                    self.scratch = scratch;
                    let error = Error::Protocol("the query text contains a NUL byte".into());
                    self.queued.push_back(Event::Complete {
                        id,
                        result: Err(error),
                    });
                    return id;
                }
                name
            }
        };
        let serialize = |value: &Option<&[u8]>, out: &mut BytesMut| match value {
            Some(v) => {
                out.extend_from_slice(v);
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        };
        // The parameter count is a 16-bit field.
        let bound = frontend::bind(
            "",
            &statement,
            std::iter::empty(),
            params,
            serialize,
            std::iter::empty(),
            buf,
        );
        if bound.is_err() {
            self.forget(prepared.as_deref());
            self.scratch = scratch;
            let error = Error::Protocol(format!(
                "{} parameters is more than a query can take",
                params.len()
            ));
            self.queued.push_back(Event::Complete {
                id,
                result: Err(error),
            });
            return id;
        }
        // Neither can fail: the names are ours and have no NUL.
        let _ = frontend::describe(b'P', "", buf);
        let _ = frontend::execute("", 0, buf);
        frontend::sync(buf);
        if matches!(self.phase, Phase::Ready) {
            self.write.extend_from_slice(&scratch);
        } else {
            self.backlog.extend_from_slice(&scratch);
        }
        self.scratch = scratch;
        self.in_flight.push_back(InFlight::new(id, prepared, false));
        id
    }

    /// Queues `sql` with the simple query protocol: any number of
    /// statements separated by semicolons, no parameters, nothing prepared
    /// (migrations, `sql.unsafe` with several statements). Completes with
    /// [`Event::SimpleComplete`].
    pub fn simple_query(&mut self, sql: &str) -> QueryId {
        let id = self.next_id;
        self.next_id += 1;
        if matches!(self.phase, Phase::Failed) {
            self.queued.push_back(Event::SimpleComplete {
                id,
                result: Err(Error::Closed),
            });
            return id;
        }
        let buf = if matches!(self.phase, Phase::Ready) {
            &mut self.write
        } else {
            &mut self.backlog
        };
        if frontend::query(sql, buf).is_err() {
            let error = Error::Protocol("the query text contains a NUL byte".into());
            self.queued.push_back(Event::SimpleComplete {
                id,
                result: Err(error),
            });
            return id;
        }
        self.in_flight.push_back(InFlight::new(id, None, true));
        id
    }

    /// Queues a Terminate: the polite way to close.
    pub fn terminate(&mut self) {
        frontend::terminate(&mut self.write);
    }

    /// Appends what must be written to the socket to `out`.
    pub fn take_output(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.write);
        self.write.clear();
    }

    /// Hands over bytes read from the socket.
    pub fn receive(&mut self, bytes: &[u8]) {
        if !matches!(self.phase, Phase::Failed) {
            self.read.extend_from_slice(bytes);
        }
    }

    /// The next event, or `None` until more bytes are received. Handling
    /// a message may queue output (authentication): call
    /// [`Connection::take_output`] after polling.
    pub fn poll_event(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.queued.pop_front() {
                return Some(event);
            }
            if matches!(self.phase, Phase::Failed) {
                return None;
            }
            match Header::parse(&self.read) {
                Ok(Some(header)) if header.len() as usize > MAX_MESSAGE => {
                    self.fail(Error::Protocol(format!("a {}-byte message", header.len())));
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
                    self.fail(Error::Protocol(e.to_string()));
                    continue;
                }
            }
            match Message::parse(&mut self.read) {
                Ok(None) => return None,
                Ok(Some(message)) => {
                    if let Err(e) = self.handle(message) {
                        self.fail(e);
                    }
                }
                Err(e) => self.fail(Error::Protocol(e.to_string())),
            }
        }
    }

    /// The socket closed or failed: `Event::Failed(Error::Closed)` (so a
    /// driver waiting for `Ready` learns it too, and a pool knows to
    /// reconnect), then every query waiting gets `Err(Error::Closed)`.
    pub fn connection_lost(&mut self) {
        if !matches!(self.phase, Phase::Failed) {
            self.fail(Error::Closed);
        }
    }

    /// `(process id, secret key)` for a CancelRequest.
    pub fn backend_key(&self) -> Option<(i32, i32)> {
        self.backend_key
    }

    /// A server parameter (`server_version`, `TimeZone`, ...) as last
    /// reported.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters.get(name).map(String::as_str)
    }

    pub fn transaction_status(&self) -> TransactionStatus {
        self.transaction
    }

    /// Queries sent (or waiting to be) and not yet complete.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    pub fn is_ready(&self) -> bool {
        matches!(self.phase, Phase::Ready)
    }

    pub fn is_failed(&self) -> bool {
        matches!(self.phase, Phase::Failed)
    }

    fn fail(&mut self, error: Error) {
        self.phase = Phase::Failed;
        self.queued.push_back(Event::Failed(error));
        self.fail_in_flight();
    }

    fn fail_in_flight(&mut self) {
        self.read.clear();
        self.backlog.clear();
        for q in std::mem::take(&mut self.in_flight) {
            self.queued.push_back(match q.simple {
                true => Event::SimpleComplete {
                    id: q.id,
                    result: Err(Error::Closed),
                },
                false => Event::Complete {
                    id: q.id,
                    result: Err(Error::Closed),
                },
            });
        }
    }

    fn forget(&mut self, prepared: Option<&str>) {
        if let Some(sql) = prepared {
            self.statements.remove(sql);
        }
    }

    fn password(&self) -> Result<&[u8], Error> {
        self.config
            .password
            .as_deref()
            .map(str::as_bytes)
            .ok_or_else(|| Error::Auth("the server asks for a password".into()))
    }

    fn front(&mut self) -> Result<&mut InFlight, Error> {
        self.in_flight
            .front_mut()
            .ok_or_else(|| Error::Protocol("a query response with no query in flight".into()))
    }

    fn handle(&mut self, message: Message) -> Result<(), Error> {
        let io = |e: std::io::Error| Error::Protocol(e.to_string());
        match message {
            // Asynchronous messages can come in any phase.
            Message::NoticeResponse(body) => {
                self.queued.push_back(Event::Notice(
                    ServerError::from_fields(body.fields()).map_err(io)?,
                ));
            }
            Message::NotificationResponse(body) => {
                self.queued.push_back(Event::Notification {
                    process_id: body.process_id(),
                    channel: body.channel().map_err(io)?.to_owned(),
                    payload: body.message().map_err(io)?.to_owned(),
                });
            }
            Message::ParameterStatus(body) => {
                self.parameters.insert(
                    body.name().map_err(io)?.to_owned(),
                    body.value().map_err(io)?.to_owned(),
                );
            }
            Message::ErrorResponse(body) => {
                let error = ServerError::from_fields(body.fields()).map_err(io)?;
                if error.is_fatal() || !matches!(self.phase, Phase::Ready) {
                    return Err(Error::Server(Box::new(error)));
                }
                let query = self.front()?;
                let prepared = query.prepared.take();
                query.error = Some(error);
                self.forget(prepared.as_deref());
            }
            message => match self.phase {
                Phase::Startup | Phase::Sasl(_) | Phase::Authenticated => self.handle_startup(message)?,
                Phase::Ready => self.handle_query(message)?,
                Phase::Failed => {}
            },
        }
        Ok(())
    }

    fn handle_startup(&mut self, message: Message) -> Result<(), Error> {
        let io = |e: std::io::Error| Error::Protocol(e.to_string());
        match (message, &mut self.phase) {
            (Message::AuthenticationOk, Phase::Startup | Phase::Sasl(_)) => self.phase = Phase::Authenticated,
            (Message::AuthenticationCleartextPassword, Phase::Startup) => {
                let password = self.password()?.to_vec();
                frontend::password_message(&password, &mut self.write).map_err(io)?;
            }
            (Message::AuthenticationMd5Password(body), Phase::Startup) => {
                let hash = postgres_protocol::authentication::md5_hash(
                    self.config.user.as_bytes(),
                    self.password()?,
                    body.salt(),
                );
                frontend::password_message(hash.as_bytes(), &mut self.write).map_err(io)?;
            }
            (Message::AuthenticationSasl(body), Phase::Startup) => {
                let offered: Vec<String> = body
                    .mechanisms()
                    .map(|m| Ok(m.to_owned()))
                    .collect()
                    .map_err(io)?;
                let offers = |name: &str| offered.iter().any(|m| m == name);
                // Bind to the TLS channel when both sides can; say "I could
                // have" (unrequested) when only this side can, so that a
                // man in the middle cannot strip the PLUS variant unnoticed.
                let (mechanism, binding) = match &self.config.tls_server_end_point {
                    Some(hash) if offers(SCRAM_SHA_256_PLUS) => (
                        SCRAM_SHA_256_PLUS,
                        ChannelBinding::tls_server_end_point(hash.clone()),
                    ),
                    Some(_) => (SCRAM_SHA_256, ChannelBinding::unrequested()),
                    None => (SCRAM_SHA_256, ChannelBinding::unsupported()),
                };
                if !offers(mechanism) {
                    return Err(Error::Auth(format!("no supported SASL mechanism in {offered:?}")));
                }
                let scram = ScramSha256::new(self.password()?, binding);
                frontend::sasl_initial_response(mechanism, scram.message(), &mut self.write).map_err(io)?;
                self.phase = Phase::Sasl(Scram(Box::new(scram)));
            }
            (Message::AuthenticationSaslContinue(body), Phase::Sasl(Scram(scram))) => {
                scram
                    .update(body.data())
                    .map_err(|e| Error::Auth(format!("SCRAM: {e}")))?;
                frontend::sasl_response(scram.message(), &mut self.write).map_err(io)?;
            }
            (Message::AuthenticationSaslFinal(body), Phase::Sasl(Scram(scram))) => {
                scram
                    .finish(body.data())
                    .map_err(|e| Error::Auth(format!("SCRAM: {e}")))?;
            }
            (Message::BackendKeyData(body), Phase::Authenticated) => {
                self.backend_key = Some((body.process_id(), body.secret_key()));
            }
            (Message::ReadyForQuery(body), Phase::Authenticated) => {
                self.transaction = transaction_status(body.status())?;
                self.phase = Phase::Ready;
                self.write.extend_from_slice(&self.backlog);
                self.backlog = BytesMut::new();
                self.queued.push_back(Event::Ready);
            }
            (
                Message::AuthenticationGss
                | Message::AuthenticationKerberosV5
                | Message::AuthenticationScmCredential
                | Message::AuthenticationSspi
                | Message::AuthenticationGssContinue(_),
                Phase::Startup,
            ) => {
                return Err(Error::Auth(
                    "the server asks for an unsupported authentication method".into(),
                ))
            }
            (message, _) => return Err(unexpected(&message, "during startup")),
        }
        Ok(())
    }

    fn handle_query(&mut self, message: Message) -> Result<(), Error> {
        let io = |e: std::io::Error| Error::Protocol(e.to_string());
        match message {
            Message::ParseComplete | Message::BindComplete | Message::CloseComplete => {
                self.front()?;
            }
            Message::RowDescription(body) => {
                let columns = columns(&body).map_err(io)?;
                self.front()?.columns = Some(columns);
            }
            Message::NoData => self.front()?.columns = Some(Arc::from(Vec::new())),
            Message::DataRow(body) => {
                let query = self.front()?;
                let Some(columns) = &query.columns else {
                    return Err(Error::Protocol("a DataRow before its RowDescription".into()));
                };
                let mut ranges = Vec::with_capacity(columns.len());
                let mut fields = body.ranges();
                while let Some(range) = fields.next().map_err(io)? {
                    ranges.push(range.map(|r| (r.start as u32, r.end as u32)));
                }
                if ranges.len() != columns.len() {
                    return Err(Error::Protocol(
                        "a DataRow whose length differs from its RowDescription".into(),
                    ));
                }
                let row = Row {
                    columns: columns.clone(),
                    data: body.buffer_bytes().clone(),
                    ranges,
                };
                query.rows.push(row);
            }
            Message::CommandComplete(body) => {
                let query = self.front()?;
                query.tag = body.tag().map_err(io)?.to_owned();
                if query.simple {
                    let result = query.take_result();
                    query.statements.push(result);
                }
            }
            Message::EmptyQueryResponse | Message::PortalSuspended => {
                let query = self.front()?;
                if query.simple {
                    let result = query.take_result();
                    query.statements.push(result);
                }
            }
            // COPY cannot be driven through `query`: refuse COPY FROM STDIN
            // so the server ends it with an error, and drop COPY TO STDOUT
            // data; either way the query completes.
            Message::CopyInResponse(_) => {
                frontend::copy_fail("COPY FROM STDIN is not supported", &mut self.write).map_err(io)?
            }
            Message::CopyOutResponse(_) | Message::CopyData(_) | Message::CopyDone => {}
            Message::ReadyForQuery(body) => {
                self.transaction = transaction_status(body.status())?;
                let Some(mut query) = self.in_flight.pop_front() else {
                    return Err(Error::Protocol("ReadyForQuery with no query in flight".into()));
                };
                let id = query.id;
                let event = match (query.error.take(), query.simple) {
                    (Some(e), true) => Event::SimpleComplete {
                        id,
                        result: Err(Error::Server(Box::new(e))),
                    },
                    (Some(e), false) => Event::Complete {
                        id,
                        result: Err(Error::Server(Box::new(e))),
                    },
                    (None, true) => Event::SimpleComplete {
                        id,
                        result: Ok(query.statements),
                    },
                    (None, false) => Event::Complete {
                        id,
                        result: Ok(query.take_result()),
                    },
                };
                self.queued.push_back(event);
            }
            message => return Err(unexpected(&message, "in a query response")),
        }
        Ok(())
    }
}

/// Appends a CancelRequest for the session with `backend_key` to `out`;
/// it goes over a new connection, which the server closes after reading it.
pub fn write_cancel_request((process_id, secret_key): (i32, i32), out: &mut Vec<u8>) {
    let mut buf = BytesMut::new();
    frontend::cancel_request(process_id, secret_key, &mut buf);
    out.extend_from_slice(&buf);
}

/// Appends an SSLRequest to `out`: on a connection that is to use TLS, it
/// goes first, before any TLS or startup bytes. The server answers with one
/// byte, read with [`read_ssl_response`].
pub fn write_ssl_request(out: &mut Vec<u8>) {
    let mut buf = BytesMut::new();
    frontend::ssl_request(&mut buf);
    out.extend_from_slice(&buf);
}

/// The server's one-byte answer to an SSLRequest: `true` if it goes on in
/// TLS (start the handshake), `false` if it refused (continue in plain
/// text, or give up when TLS is required). Anything else (an
/// ErrorResponse from a server too old to know SSLRequest) is an error.
pub fn read_ssl_response(byte: u8) -> Result<bool, Error> {
    match byte {
        b'S' => Ok(true),
        b'N' => Ok(false),
        _ => Err(Error::Protocol(format!(
            "unexpected answer {byte:#04x} to an SSLRequest"
        ))),
    }
}

fn transaction_status(status: u8) -> Result<TransactionStatus, Error> {
    match status {
        b'I' => Ok(TransactionStatus::Idle),
        b'T' => Ok(TransactionStatus::InTransaction),
        b'E' => Ok(TransactionStatus::Failed),
        _ => Err(Error::Protocol(format!("unknown transaction status {status:#x}"))),
    }
}

fn columns(body: &RowDescriptionBody) -> std::io::Result<Arc<[Column]>> {
    let columns: Vec<Column> = body
        .fields()
        .map(|f| {
            Ok(Column {
                name: f.name().to_owned(),
                type_oid: f.type_oid(),
                table_oid: f.table_oid(),
                column_id: f.column_id(),
            })
        })
        .collect()?;
    Ok(Arc::from(columns))
}

fn unexpected(message: &Message, when: &str) -> Error {
    let name = match message {
        Message::AuthenticationOk => "AuthenticationOk",
        Message::ReadyForQuery(_) => "ReadyForQuery",
        Message::DataRow(_) => "DataRow",
        Message::RowDescription(_) => "RowDescription",
        Message::BackendKeyData(_) => "BackendKeyData",
        Message::ParameterDescription(_) => "ParameterDescription",
        _ => "a message",
    };
    Error::Protocol(format!("unexpected {name} {when}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(tag: u8, body: &[u8]) -> Vec<u8> {
        [&[tag][..], &(body.len() as u32 + 4).to_be_bytes(), body].concat()
    }

    fn ready() -> Vec<u8> {
        [
            msg(b'R', &[0, 0, 0, 0]),
            msg(b'K', &[0, 0, 0, 7, 0, 0, 0, 9]),
            msg(b'Z', b"I"),
        ]
        .concat()
    }

    fn connected() -> Connection {
        let mut conn = Connection::new(Config {
            user: "u".into(),
            password: Some("pw".into()),
            ..Config::default()
        });
        conn.start();
        conn.receive(&ready());
        assert!(matches!(conn.poll_event(), Some(Event::Ready)));
        conn.take_output(&mut Vec::new());
        conn
    }

    fn events(conn: &mut Connection) -> Vec<Event> {
        std::iter::from_fn(|| conn.poll_event()).collect()
    }

    /// The message tags in `out`.
    fn tags(out: &[u8]) -> Vec<u8> {
        let mut tags = Vec::new();
        let mut at = 0;
        while at < out.len() {
            tags.push(out[at]);
            at += 1 + u32::from_be_bytes(out[at + 1..at + 5].try_into().unwrap()) as usize;
        }
        tags
    }

    #[test]
    fn queries_wait_for_the_session_and_prepare_once() {
        let mut conn = Connection::new(Config {
            user: "u".into(),
            ..Config::default()
        });
        conn.start();
        conn.query("select 1", &[]);
        conn.query("select 1", &[]);
        let mut out = Vec::new();
        conn.take_output(&mut out);
        assert_eq!(
            out[0..4],
            (out.len() as u32).to_be_bytes(),
            "only the startup message"
        );
        conn.receive(&ready());
        assert!(matches!(conn.poll_event(), Some(Event::Ready)));
        assert_eq!(conn.backend_key(), Some((7, 9)));
        out.clear();
        conn.take_output(&mut out);
        assert_eq!(tags(&out), b"PBDESBDES", "Parse only for the first of the two");
    }

    #[test]
    fn md5_and_cleartext_answers() {
        let mut conn = Connection::new(Config {
            user: "u".into(),
            password: Some("pw".into()),
            ..Config::default()
        });
        conn.start();
        let mut out = Vec::new();
        conn.take_output(&mut out);
        conn.receive(&msg(b'R', &[0, 0, 0, 5, 1, 2, 3, 4]));
        assert!(conn.poll_event().is_none());
        out.clear();
        conn.take_output(&mut out);
        let hash = postgres_protocol::authentication::md5_hash(b"u", b"pw", [1, 2, 3, 4]);
        assert_eq!(out, msg(b'p', &[hash.as_bytes(), b"\0"].concat()));

        let mut conn = Connection::new(Config {
            user: "u".into(),
            password: Some("pw".into()),
            ..Config::default()
        });
        conn.start();
        conn.take_output(&mut Vec::new());
        conn.receive(&msg(b'R', &[0, 0, 0, 3]));
        assert!(conn.poll_event().is_none());
        out.clear();
        conn.take_output(&mut out);
        assert_eq!(out, msg(b'p', b"pw\0"));
    }

    #[test]
    fn unsupported_authentication_fails_the_connection() {
        let mut conn = Connection::new(Config {
            user: "u".into(),
            ..Config::default()
        });
        conn.start();
        let id = conn.query("select 1", &[]);
        conn.receive(&msg(b'R', &[0, 0, 0, 7])); // GSS
        let events = events(&mut conn);
        assert!(matches!(&events[0], Event::Failed(Error::Auth(_))));
        assert!(matches!(&events[1], Event::Complete { id: i, result: Err(Error::Closed) } if *i == id));
        // Asking for a password without one configured is an Auth error too.
        let mut conn = Connection::new(Config {
            user: "u".into(),
            ..Config::default()
        });
        conn.start();
        conn.receive(&msg(b'R', &[0, 0, 0, 3]));
        assert!(matches!(conn.poll_event(), Some(Event::Failed(Error::Auth(_)))));
    }

    #[test]
    fn a_connection_lost_is_reported_once_in_every_phase() {
        // During startup (the server closed before asking anything): the
        // driver waiting for Ready must hear of it, or it waits forever.
        let mut conn = Connection::new(Config {
            user: "u".into(),
            ..Config::default()
        });
        conn.start();
        let id = conn.query("select 1", &[]);
        conn.connection_lost();
        let events = events(&mut conn);
        assert!(matches!(&events[0], Event::Failed(Error::Closed)), "{events:?}");
        assert!(matches!(&events[1], Event::Complete { id: i, result: Err(Error::Closed) } if *i == id));
        assert!(conn.is_failed());
        conn.connection_lost();
        assert!(conn.poll_event().is_none(), "reported once");

        // When ready, with nothing in flight: a pool learns to reconnect.
        let mut conn = connected();
        conn.connection_lost();
        assert!(matches!(conn.poll_event(), Some(Event::Failed(Error::Closed))));
        assert!(conn.poll_event().is_none());
    }

    #[test]
    fn malformed_streams_fail_the_connection() {
        let cases: [(&str, Vec<u8>); 4] = [
            (
                "a DataRow before its RowDescription",
                [msg(b'1', b""), msg(b'2', b""), msg(b'D', &[0, 0])].concat(),
            ),
            ("a 2 GiB message", [b'D', 0x80, 0, 0, 0].to_vec()),
            (
                "ReadyForQuery with nothing in flight",
                [msg(b'Z', b"I"), msg(b'Z', b"I")].concat(),
            ),
            ("an unknown message", msg(b'!', b"")),
        ];
        for (what, input) in cases {
            let mut conn = connected();
            let id = conn.query("select 1", &[]);
            conn.receive(&input);
            let events = events(&mut conn);
            let failed = events
                .iter()
                .position(|e| matches!(e, Event::Failed(Error::Protocol(_))));
            assert!(failed.is_some(), "{what}: {events:?}");
            assert!(
                events
                    .iter()
                    .any(|e| matches!(e, Event::Complete { id: i, .. } if *i == id)),
                "{what}"
            );
            assert!(conn.is_failed());
            let later = conn.query("select 2", &[]);
            assert!(
                matches!(conn.poll_event(), Some(Event::Complete { id, result: Err(Error::Closed) }) if id == later)
            );
        }
    }

    #[test]
    fn the_statement_cache_is_bounded() {
        let mut conn = connected();
        let mut out = Vec::new();
        for i in 0..STATEMENT_CACHE + 10 {
            conn.query(&format!("select {i}"), &[]);
        }
        conn.take_output(&mut out);
        conn.query("select 0", &[]);
        conn.query(&format!("select {}", STATEMENT_CACHE + 5), &[]);
        out.clear();
        conn.take_output(&mut out);
        // The first text is cached (no Parse); one past the bound is parsed
        // again as the unnamed statement.
        assert_eq!(tags(&out), b"BDESPBDES");
        assert_eq!(conn.statements.len(), STATEMENT_CACHE);
    }

    #[test]
    fn a_nul_in_the_query_fails_only_that_query() {
        let mut conn = connected();
        let id = conn.query("select '\0'", &[]);
        assert!(
            matches!(conn.poll_event(), Some(Event::Complete { id: i, result: Err(Error::Protocol(_)) }) if i == id)
        );
        assert!(!conn.is_failed());
        assert!(conn.statements.is_empty());
    }
}
