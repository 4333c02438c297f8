// The native functions Rust gives ts-lib: the whole contract between the two
// halves of the runtime. ts-lib receives them as the `ops` argument of its
// bootstrap (see bootstrap.ts) and never exposes this object to user code.
//
// Request handles: a request of the batch being dispatched is its index in
// the batch (0 <= r < n). Its bytes live in the connection's read buffer and
// are valid only while the batch runs. A handler that goes async must be
// `defer`red first: that copies the request out and returns a negative
// handle that stays valid until the response is sent.

/** Response headers for respond/respondStart: flat [name, value, ...], none, or a built-in set by number (1: content-type application/json). */
export type ResponseHeaders = string[] | 1 | undefined;

export interface Ops {
  // ---- process ----------------------------------------------------------
  /** Writes text (UTF-8) to fd 1 (stdout) or 2 (stderr). */
  print(fd: 1 | 2, text: string): void;
  /** Ends the process after flushing stdout/stderr. */
  exit(code: number): never;
  /** JSON: { version, v8, args: string[], env: Record<string,string>, cwd, mainUrl, mainPath, workerId } */
  bootInfo(): string;
  /** Milliseconds since the isolate was created (monotonic, sub-ms precision). */
  now(): number;
  /** Wall clock milliseconds since the epoch at isolate creation. */
  timeOrigin(): number;
  /** Maps a generated position to the TypeScript source: "line:col" or undefined. */
  mapPosition(resource: string, line: number, col: number): string | undefined;
  /** Test-only, present under HOWTH_TEST_PANIC_OP=1: panics in Rust with `message`. */
  testPanic?(message: string): void;

  // ---- timers -----------------------------------------------------------
  /** Arms timer `id` to fire after `delayMs`, then every `delayMs` if repeat. */
  timerStart(id: number, delayMs: number, repeat: boolean): void;
  timerStop(id: number): void;
  /** The function Rust calls with a timer id when it fires. */
  setTimerCallback(cb: (id: number) => void): void;
  /** Keeps the loop alive (true) or lets it exit when only this timer is left (false). */
  timerRef(id: number, ref: boolean): void;

  // ---- encoding, crypto, url (issue 6) ---------------------------------
  /** UTF-8 encode a string into a new Uint8Array. */
  encodeUtf8(s: string): Uint8Array;
  /** btoa: the base64 of a binary string, or null when a character is above U+00FF. */
  btoa(data: string): string | null;
  /** atob: forgiving-base64 decoded to a binary string, or null when malformed. */
  atob(data: string): string | null;
  // (TextEncoder.encodeInto is plain TS in encoding.ts: an op cannot hand
  // back the two counts it needs without allocating an array per call.)
  /** Decodes bytes with the encoding `label` (encoding_rs). Throws TypeError when fatal and malformed. */
  decode(bytes: ArrayBufferView | ArrayBuffer, label: string, fatal: boolean, ignoreBOM: boolean): string;
  /** The canonical name of an encoding label in lower case ("utf-8", "shift_jis", "replacement"), or undefined if unknown. */
  encodingName(label: string): string | undefined;
  /**
   * Opens a streaming decoder (TextDecoder.decode(..., { stream: true })):
   * its state (partial sequences, ISO-2022-JP mode) stays in Rust. Returns
   * a handle. Throws RangeError for an unknown label.
   */
  decoderOpen(label: string, fatal: boolean, ignoreBOM: boolean): number;
  /**
   * Feeds a streaming decoder; `last` flushes and closes it. A fatal
   * decoder throws TypeError on malformed input and is then closed too.
   */
  decoderDecode(handle: number, bytes: ArrayBufferView | ArrayBuffer, last: boolean): string;
  /** Frees a streaming decoder that was not flushed (idempotent). */
  decoderClose(handle: number): void;
  /** Fills the view with cryptographically strong random bytes. */
  randomFill(view: ArrayBufferView): void;
  randomUUID(): string;
  /** Digest with "SHA-1", "SHA-256", "SHA-384", "SHA-512" (and Node's names, "md5", "sha224", ...). */
  digest(algorithm: string, data: ArrayBufferView | ArrayBuffer): Uint8Array;

  // ---- Web Crypto and node:crypto (runtime/src/ops/crypto/) -------------
  // Keys live in Rust's key table; JS holds handles. A `key` argument is a
  // handle, or (node:crypto's one-shot HMACs and ciphers) a secret key's
  // bytes. Errors are Errors whose message starts with a DOMException name
  // ("OperationError: ..."; ts-lib/crypto_errors.ts). "Job" ops follow
  // fsCall: inline they return whether they failed (the bytes in
  // poolResult()), with isAsync they return a pool job id.
  /** Digests on the worker pool: a job id; the digest comes back as bytes. */
  cryptoDigestAsync(algorithm: string, data: Uint8Array): number;
  /** Imports key data (format raw|spki|pkcs8|jwk|pkcs1|sec1|pem; jwk and pem as text): JSON {handle, kind, type, length?, modulusLength?, publicExponent?, namedCurve?}. */
  cryptoImportKey(format: string, data: Uint8Array | string, kind: string, curve: string): string;
  /** A key's info JSON, as cryptoImportKey's without the handle. */
  cryptoKeyInfo(key: number): string;
  /** Exports a key: bytes, or for "jwk" the JWK's JSON text. */
  cryptoExportKey(key: number, format: string): Uint8Array | string;
  /** The public half of a key as a new key: info JSON with its handle. */
  cryptoPublicKey(key: number): string;
  /** Frees a key's slot (idempotent; a stale handle is ignored). */
  cryptoKeyFree(key: number): void;
  /** Job: a new private key (kind rsa|ec|ed25519|x25519) as PKCS#8 bytes. */
  cryptoGenerateKey(isAsync: boolean, kind: string, modulusLength: number, publicExponent: Uint8Array, curve: string): unknown;
  /** Signs (alg HMAC|RSASSA-PKCS1-v1_5|RSA-PSS|ECDSA|Ed25519; param: PSS salt length, or 1 for DER ECDSA signatures). */
  cryptoSign(alg: string, key: number | Uint8Array, hash: string, param: number, data: Uint8Array): Uint8Array;
  /** Verifies, as cryptoSign; a malformed signature is false. */
  cryptoVerify(alg: string, key: number | Uint8Array, hash: string, param: number, signature: Uint8Array, data: Uint8Array): boolean;
  /** Encrypts or decrypts (alg AES-GCM|AES-CBC|AES-CTR|AES-KW|RSA-OAEP; iv: IV, counter or OAEP label; param: GCM tag bits, CTR counter bits, CBC padding 1/0). */
  cryptoCipher(encrypt: boolean, alg: string, key: number | Uint8Array, hash: string, iv: Uint8Array, param: number, aad: Uint8Array, data: Uint8Array): Uint8Array;
  /** Job: `length` bytes of PBKDF2 (param: iterations) or HKDF, or the shared secret of ECDH/X25519 (param: the public key's handle). */
  cryptoDeriveBits(isAsync: boolean, alg: string, key: number | Uint8Array, hash: string, salt: Uint8Array, param: number, info: Uint8Array, length: number): unknown;
  /** Job: scrypt (node:crypto). */
  cryptoScrypt(isAsync: boolean, password: Uint8Array, salt: Uint8Array, n: number, r: number, p: number, length: number): unknown;
  /** A streaming digest (node:crypto's Hash): a handle; `from` copies another's state. */
  cryptoHashNew(algorithm: string, from?: number): number;
  cryptoHashUpdate(hash: number, data: Uint8Array): void;
  /** The digest; the handle is freed. */
  cryptoHashDigest(hash: number): Uint8Array;
  /** URLPattern: parses a pattern (text, or a URLPatternInit as JSON when isInit): JSON of its components ({patternString, regexpString, groupNameList} each) and hasRegexpGroups; TypeError for a bad pattern. */
  urlPatternParse(input: string, isInit: boolean, baseURL: string | undefined, ignoreCase: boolean): string;
  /** URLPattern: the canonical components of a URL to match and the inputs, as JSON [components, [input, baseURL]]; null when it is no URL. */
  urlPatternMatchInput(input: string, isInit: boolean, baseURL: string | undefined): string | null;
  /** Structured clone through V8's serializer; throws for uncloneable values. */
  structuredClone<T>(value: T): T;
  /**
   * Detaches an ArrayBuffer (the source of a transfer: structuredClone,
   * postMessage, ArrayBuffer.prototype.transfer): true once detached, false
   * when V8 will not detach it (a WebAssembly memory) or it was already;
   * TypeError for anything but an ArrayBuffer.
   */
  detachArrayBuffer(buffer: ArrayBuffer): boolean;
  /** BroadcastChannel across the isolates of the process (runtime/src/broadcast.rs): starts or stops listening on a name; returns this isolate's id. */
  broadcastListen(name: string, on: boolean): number;
  /** Sets the function called (from the loop) for each message another isolate posted. */
  broadcastSetCallback(fn: () => void): void;
  /** The channel name of the message being delivered. */
  broadcastName(): string;
  /** The value of the message being delivered (deserialised here; throws if it cannot be). */
  broadcastTake(): unknown;
  /** Sends a value to the other isolates listening on name; throws for values V8 cannot serialise. */
  broadcastPost(isolate: number, name: string, value: unknown): void;
  /**
   * WHATWG URL parsing (Rust url crate). Returns the href (ASCII) or
   * undefined when parsing fails, and on success writes into `out` (a
   * Uint32Array(16)) where the components lie in the href: [protocol end,
   * username start, end, password start, end, host start, end, hostname
   * start, end, port start, end, pathname start, end, search start, end,
   * hash start]; an empty component is (0, 0), an empty hash starts at the
   * href's end. (One string and a memcpy instead of eleven strings: this is
   * on the request path.) Pass a view over an explicit ArrayBuffer, as for
   * every op that writes into a view: the shim writes through view.buffer,
   * which moves a small on-heap typed array off the heap on every call.
   */
  urlParse(input: string, base: string | undefined, out: Uint32Array): string | undefined;
  /**
   * Applies a WHATWG setter ("href", "protocol", "username", "password",
   * "host", "hostname", "port", "pathname", "search", "hash") to href;
   * returns the new href and fills `out` as urlParse does. Invalid values
   * are ignored as the spec's setters ignore them; undefined (and `out`
   * untouched) only when the "href" setter gets an unparsable URL.
   */
  urlSet(href: string, setter: string, value: string, out: Uint32Array): string | undefined;
  /** The origin of a parsed href ("null" for opaque origins). */
  urlOrigin(href: string): string;
  /** node:url domainToASCII: a domain in punycode (an IPv4 address normalised); "" when it is not a valid host. */
  domainToASCII(domain: string): string;
  /** node:url domainToUnicode: a domain in Unicode; "" when it is not a valid host. */
  domainToUnicode(domain: string): string;
  /**
   * application/x-www-form-urlencoded parse. Returns every name and value
   * laid end to end (k0 v0 k1 v1 ...) and writes [count, end0, end1, ...]
   * (UTF-16 offsets) into `ends`. When `ends` is too short it returns
   * undefined and writes only the count into ends[0]: grow it, call again.
   */
  formUrlDecode(input: string, ends: Uint32Array): string | undefined;
  /**
   * application/x-www-form-urlencoded serialize: the names and values are
   * `joined` cut at the first `count` UTF-16 end offsets in `ends`, as
   * [k0, v0, k1, v1, ...].
   */
  formUrlEncode(joined: string, ends: Uint32Array, count: number): string;

  // ---- http server --------------------------------------------------------
  /**
   * Starts listening. options is JSON: { port, hostname, maxBodyBytes?,
   * maxHeaderBytes?, maxHeaders?, maxUrlLength?, maxConnections?, headerTimeoutMs?,
   * idleTimeoutMs?, bodyTimeoutMs?, maxRequestsPerConnection?, maxHandlerMs?,
   * shutdownTimeoutMs? } (a zero turns a limit off).
   * Returns [serverId, port]. A server that cannot listen (port in use, not
   * permitted) is a startup failure, as in Bun: Rust prints one line, sets
   * exit code 1 and stops the script (the throw cannot be caught), unless
   * the options say `"listenError": "throw"` (node:http): then it throws an
   * Error whose message says why ("port N is already in use (addr)", ...).
   */
  serve(options: string): [number, number];
  /** The no-JS baseline: answers every request with `body` (text/plain) from Rust. */
  serveRustOnly(options: string, body: string): [number, number];
  /** Stops accepting; in-flight requests finish; idle connections close. */
  serverStop(serverId: number): void;
  /** The function Rust calls once per batch with the batch size. */
  setDispatch(dispatch: (n: number) => void): void;
  /** The server the current batch belongs to. */
  batchServer(): number;

  reqMethod(r: number): string;
  /** The request target as sent (path and query, or absolute form). */
  reqTarget(r: number): string;
  /** The Host header or "" */
  reqHost(r: number): string;
  /** `http://<Host><target>` for an origin-form target with a Host header; "" otherwise. */
  reqUrl(r: number): string;
  /** One header by lower-case name (values of repeats joined with ", "), or null. */
  reqHeader(r: number, name: string): string | null;
  /** All headers, flat: [name0, value0, name1, value1, ...], names lower-cased. */
  reqHeaders(r: number): string[];
  /** As reqHeaders, with the names as the client sent them (node:http's rawHeaders). */
  reqRawHeaders(r: number): string[];
  /** The request's HTTP minor version: 0 for HTTP/1.0, 1 for HTTP/1.1. */
  reqHttpMinor(r: number): number;
  /** The whole body (already received) as a new Uint8Array; empty when none. */
  reqBody(r: number): Uint8Array;
  /** The body decoded as UTF-8 (replacement characters for bad sequences). */
  reqBodyText(r: number): string;
  /** Remote address "ip:port". */
  reqRemote(r: number): string;
  /** Copies the request out of the read buffer; returns a handle (< 0, carrying a generation: a stale one finds nothing) valid until answered. */
  defer(r: number): number;
  /** True when the client of a deferred request has gone away. */
  reqClosed(r: number): boolean;

  /**
   * Sends a whole response. `headers` is flat [name, value, ...], undefined,
   * or HEADERS_JSON (1: content-type application/json, without an array
   * for Rust to read element by element); when it is undefined and body is
   * a string, content-type text/plain;charset=utf-8 is sent. Content-Length and Date are always added by Rust; a HEAD
   * request gets no body. Throws TypeError for invalid header names/values.
   */
  respond(r: number, status: number, body: string | ArrayBufferView | ArrayBuffer | null | undefined,
          headers: ResponseHeaders): void;
  /**
   * Starts a streamed (chunked) response. Returns the handle to pass to
   * respondChunk/respondEnd (a batch request is deferred by this call, so
   * the returned handle differs from `r` when r >= 0).
   */
  respondStart(r: number, status: number, headers: ResponseHeaders): number;
  /** Sends one chunk; returns false when the connection's buffer is over its high-water mark (wait for the drain callback). */
  respondChunk(r: number, chunk: string | ArrayBufferView | ArrayBuffer): boolean;
  /** Ends a streamed response. */
  respondEnd(r: number): void;
  /** The function Rust calls, once a turn, when streamed responses may continue or clients went away: it lists them with takeDrains. */
  setDrainCallback(cb: () => void): void;
  /** This turn's drains, flat: [handle, closed (1) or may continue (0), ...]; taking them empties the list. */
  takeDrains(): number[];
  /**
   * OPTIONAL (added by ts-lib core; ts-lib falls back when absent). Ends a
   * streamed response abnormally: the body stream errored after the head
   * was sent, so the connection is closed WITHOUT the terminating zero-size
   * chunk and the client sees a truncated body instead of a complete one.
   * Without it ts-lib calls respondEnd, which makes the truncation look like
   * a complete response.
   */
  respondAbort?(r: number): void;
  /**
   * OPTIONAL (added by ts-lib core, for console.log of a Promise). V8's
   * Promise::State and Result: [0 = pending | 1 = fulfilled | 2 = rejected,
   * result]. Without it a promise prints as `Promise { <unknown> }`.
   */
  promiseState?(p: Promise<unknown>): [number, unknown];

  // ---- host functions (runtime/src/ops/host.rs; JS side: host.ts) ----------
  // An embedding Rust program registers native functions; JS calls them as
  // Howth.ops.name(...). Values cross as: null/undefined <-> null, boolean,
  // number, string, ArrayBuffer or view -> bytes -> Uint8Array, and objects
  // and arrays as JSON text (JSON.stringify in, JSON.parse out).
  /** The host functions, flat: [name0, "sync" | "async", name1, ...]; a function's index is its pair's. */
  hostFunctions(): string[];
  /**
   * Calls host function `index`. Bit i of `jsonMask` marks args[i] as JSON
   * text (host.ts stringified an object or array); other args must be
   * strings, numbers, booleans, null, undefined, ArrayBuffers or views
   * (TypeError otherwise). A sync function's result is returned, or
   * undefined when it is an object or array, whose JSON text hostJson()
   * then returns; its error is thrown as an Error with its message. An
   * async function returns a job id at once and runs on the worker pool;
   * its outcome settles through the pool ops below (ts-lib/pool.ts), the
   * error value being the message string.
   */
  hostCall(index: number, jsonMask: number, ...args: unknown[]): unknown;
  /** The JSON text of the last result or outcome that came back as undefined (once). */
  hostJson(): string;

  // The worker pool's completion queue (runtime/src/pool.rs, ts-lib/pool.ts).
  /** The function Rust calls with a job's id when its outcome is in (from the loop, before a microtask checkpoint). */
  poolSetCallback(cb: (id: number) => void): void;
  /** Inside that callback: whether the job failed. */
  poolFailed(): boolean;
  /** The current outcome's value or error value (once): inside that callback, or right after a synchronous op that reported its outcome there; undefined means JSON text in hostJson(). */
  poolResult(): unknown;

  // Node I/O built-ins (runtime/src/ops/{fs,os,zlib}.rs; ts-lib/node/).
  /** Runs fs call `name` (see CALLS in ops/fs.rs): inline, returning whether it failed (the outcome in poolResult()), or on the pool when `isAsync`, returning the job id. */
  fsCall(isAsync: boolean, name: string, ...args: unknown[]): unknown;
  /** One fact about the machine for node:os (see ops/os.rs); undefined means JSON text in hostJson(). */
  osInfo(what: string): unknown;
  /** (De)compresses all of `data` with `codec` (gzip, gunzip, deflate, inflate, deflateRaw, inflateRaw, unzip, brotliCompress, brotliDecompress, zstdCompress, zstdDecompress), inline or on the pool, as fsCall. */
  /** A route table from patterns joined by "\n" (route i is the i-th); its id. Throws a TypeError naming a bad pattern (ops/router.rs). */
  routerNew(patterns: string): number;
  /** The index of the route of table `id` matching a request target, or -1; the parameters wait for routerParams. */
  routerMatch(id: number, target: string): number;
  /** The last match's parameter values, decoded, in its pattern's order. */
  routerParams(): string[];
  zlibCall(isAsync: boolean, codec: string, data: Uint8Array, level: number | undefined): unknown;
  /** Runs a child to its end (spec: JSON {file, args, cwd, env, timeout, killSignal, stdio}; input: its stdin), inline or on the pool, as fsCall; the value is bytes (see ops/child.rs). */
  childRun(isAsync: boolean, spec: string, input: Uint8Array | undefined): unknown;
  // ---- Howth.SQL and Howth.RedisClient (runtime/src/ops/{postgres,redis}.rs; ts-lib/sql*.ts, redis.ts) ----
  // One protocol state machine per connection, by id; JS owns the socket.
  // Bytes read go in with *Receive; bytes to write come out of *Output,
  // taken once per turn so a turn's queries leave in one write. Events come
  // back as flat numbers, their strings from *Strings (valid until the next
  // *Receive or *Lost). Ops on a closed id throw "connection closed" (query,
  // command) or do nothing.
  // Postgres events: [1] ready | [2, qid, RESULT] | [3, qid, kind] + ERROR |
  // [4, qid, n, RESULT * n] (simple query) | [5, qid, kind] + ERROR |
  // [6, pid] + channel, payload (NOTIFY) | [7] + ERROR (a notice) |
  // [8, kind] + ERROR (the connection failed; its queries' errors follow).
  // RESULT: [columns, rows, affected (-1 none), OID per column, nullCount,
  // null cell indexes...] + strings tag, column names, cells row by row ("" for NULL).
  // ERROR: 12 strings: severity, code, message, detail, hint, position, where,
  // schema, table, column, dataType, constraint ("" when absent); kind 0
  // server, 1 auth, 2 protocol, 3 closed.
  /** JSON {user, password?, database?, applicationName?, params?: {name: value}}: a connection id; the startup message waits in pgOutput. */
  pgOpen(json: string): number;
  /** Queues an extended-protocol query (prepared once per connection); params: string (text), Uint8Array (bytea), null/undefined (NULL). The query id. */
  pgQuery(id: number, text: string, ...params: (string | Uint8Array | null | undefined)[]): number;
  /** Queues text of any number of statements (simple protocol). The query id. */
  pgSimpleQuery(id: number, text: string): number;
  pgOutput(id: number): Uint8Array | undefined;
  pgReceive(id: number, bytes: Uint8Array): number[];
  pgStrings(): string[];
  /** The socket closed: the failure, then every waiting query's error. */
  pgLost(id: number): number[];
  /** Forgets the connection; the Terminate message to write before closing. */
  pgClose(id: number): Uint8Array | undefined;
  /** "I" idle, "T" in a transaction, "E" in a failed one, "" gone. */
  pgStatus(id: number): string;
  // Redis events: [1] ready | [2, cid, VALUE] | [3, cid] + code, message |
  // [4, VALUE] (a push) | [5] + code, message (the connection failed).
  // VALUE in prefix order: 0 nil | 1 simple +s | 2 bulk +s | 3 int, n |
  // 4 double, n | 5 bool, 0/1 | 6 big number +s | 7 array, n, VALUE*n |
  // 8 map, n, (VALUE VALUE)*n | 9 set, n, ... | 10 push, n, ... | 11 error +code +message.
  /** JSON {username?, password?, database?, resp3?, clientName?}: a connection id; the handshake waits in redisOutput. */
  redisOpen(json: string): number;
  /** Queues a command (name first; strings as UTF-8, bytes as they are). Its id. */
  redisCommand(id: number, ...args: (string | Uint8Array)[]): number;
  redisOutput(id: number): Uint8Array | undefined;
  redisReceive(id: number, bytes: Uint8Array): number[];
  redisStrings(): string[];
  redisLost(id: number): number[];
  redisClose(id: number): void;
  // ---- outgoing connections (loop/src/client, net_ops.rs; ts-lib/net_client.ts) ----
  // A connection is (key, id): ops on a connection that is gone do nothing.
  // Writes are queued and leave in one write per connection at the end of
  // the turn. Events of a turn reach JS in one call of the net callback,
  // which takes them with netTakeEvents (flat [id, kind, arg, ...]; kinds:
  // 1 connect, 2 data (arg: byte length, the bytes in order in
  // netTakeBytes), 3 end (peer's EOF), 4 drain, 5 error (arg: index in
  // netTakeErrors, "CODE message"), 6 close (arg: 1 after an error; always
  // last)). Untaken events are dropped when the callback returns.
  /** Opens a connection; JSON { addrs: IP literals, port, tls?: { servername, ca?, rejectUnauthorized?, alpn? }, timeout?: ms }. Returns [key, id]; key -1 if it failed at once (its error and close come as events). Throws TypeError on bad options. */
  netConnect(json: string): [number, number];
  /** Queues bytes; false once the unsent output is over the high-water mark (wait for drain). */
  netWrite(key: number, id: number, data: Uint8Array | string): boolean;
  /** Ends our side after the queued output (TLS close_notify, then FIN). */
  netEnd(key: number, id: number): void;
  /** Closes at the end of the turn, dropping unsent output; the close event follows. */
  netDestroy(key: number, id: number): void;
  /** Stops reading (the kernel's window then pushes back on the peer). */
  netPause(key: number, id: number): void;
  netResume(key: number, id: number): void;
  /** Whether the connection keeps the loop running (all do at first). */
  netRef(key: number, id: number, on: boolean): void;
  netSetNoDelay(key: number, id: number, on: boolean): void;
  /** [localAddress, localPort, remoteAddress, remotePort] once connected. */
  netAddresses(key: number, id: number): string[] | undefined;
  setNetCallback(cb: () => void): void;
  netTakeEvents(): number[];
  netTakeBytes(): Uint8Array;
  netTakeErrors(): string[];
  // fetch()'s HTTP/1.1 driver (netConnect with `http: { decompress }`; loop/src/fetch_ops.rs).
  // Its connections add two event kinds: 7 head (arg: byte length in
  // netTakeBytes of "status\nreason\n(name\nvalue\n)*", Latin-1) and
  // 8 response end (arg: 1 when the connection may carry another request);
  // data events carry the body, decoded from its Content-Encoding.
  /** Writes a request: headers flat [name, value, ...] (no host, content-length or transfer-encoding); length -1: no body, -2: chunked (fetchBodyChunk/fetchBodyEnd), else the byte length of `body`. False once over the high-water mark. Throws TypeError for a head that cannot be sent. */
  fetchRequest(key: number, id: number, method: string, target: string, host: string, headers: string[], length: number, body: Uint8Array | string | undefined): boolean;
  fetchBodyChunk(key: number, id: number, chunk: Uint8Array): boolean;
  fetchBodyEnd(key: number, id: number): boolean;
  /** getaddrinfo for `hostname` (family 0, 4 or 6; hints: AI_* flags), as fsCall; the value is `[[address, family], ...]`, the error Node's fields (runtime/src/dns.rs). */
  dnsLookup(isAsync: boolean, hostname: string, family: number, hints: number): unknown;
  // Node pure built-ins (runtime/src/ops/node_*.rs; ts-lib/node/).
  /** Bytes as text in a one-byte encoding or UTF-16LE (codes: ts-lib/node/internal/encodings.ts). */
  bufferToString(bytes: ArrayBufferView, encoding: number): string;
  /** Text in hex or base64(url) to bytes, decoded leniently as Node does. */
  bufferFromString(text: string, encoding: number): Uint8Array;
  /** The function that runs the queued process.nextTick callbacks, before each microtask checkpoint. */
  setTickCallback(cb: () => void): void;
  /** Marks the tick queue non-empty (call when the first tick is queued). */
  tickPending(): void;
  /** The function Rust calls with "beforeExit", then "exit", when the loop has nothing left to do. */
  setLifecycleCallback(cb: (event: "beforeExit" | "exit") => void): void;
  /** [seconds, nanoseconds] of a monotonic clock. */
  hrtime(): [number, number];
  /** One fact: "pid", "ppid", "uid", "gid", "euid", "egid", "rss" (numbers), "cwd", "execPath" (strings). */
  processInfo(what: string): number | string;
  /** Changes the working directory; returns undefined, or the errno's code ("ENOENT") on failure. */
  chdir(path: string): string | undefined;
  /** kill(2): undefined when the signal was sent, else the errno name ("ESRCH", "EPERM", "EINVAL"). */
  kill(pid: number, signal: number): string | undefined;
  /** Starts (on) or stops catching signal `signo` for `process.on`; an errno name ("EINVAL" for SIGKILL/SIGSTOP, "ENOTSUP") when it cannot. */
  signalListen(signo: number, on: boolean): string | undefined;
  /** The function the loop calls with a caught signal's number. */
  setSignalCallback(callback: (signo: number) => void): void;
  /** Routes unhandled rejections to `callback(reason, promise)` after each microtask checkpoint, instead of Rust reporting them. */
  setRejectionCallback(callback: (reason: unknown, promise: Promise<unknown>) => void): void;
  /** [used, total, limit] heap bytes as of the last microtask checkpoint. */
  heapStats(): [number, number, number];
  /** Sets (a string) or removes (undefined) an environment variable of the process. */
  setEnv(name: string, value: string | undefined): void;
  /** V8's promise hooks of this context (runtime/src/ops/async_context.rs); a non-function leaves that hook empty. */
  setPromiseHooks(init: unknown, before: unknown, after: unknown, resolve: unknown): void;

  // The CommonJS loader (ts-lib/cjs.ts, runtime/src/modules/cjs_ops.rs).
  /** Resolves `specifier` from the file `referrer` for require (asImport false) or import: ["builtin", internal name] | ["commonjs" | "module" | "json", path] | ["error:<code>", message]. */
  moduleResolve(specifier: string, referrer: string, asImport: boolean): [string, string];
  /** The JavaScript of a CommonJS (or JSON) file: as it is, or TypeScript with its types removed. */
  moduleSource(path: string): string;
  /** "file:line:col: message" for the first syntax error of a CommonJS file, or "". */
  moduleSyntaxError(path: string): string;
  /** Loads and evaluates an ES module (a path or a built-in's internal name) and returns its namespace. Throws when it awaits at top level. */
  moduleRequireEsm(name: string): Record<string, unknown>;
  /** The names of the built-in modules (`fs`, `fs/promises`, ...). */
  moduleBuiltins(): string[];

  /**
   * OPTIONAL (only the first worker of `howth run` without --workers has
   * it): the served default export asks for `n` workers (0 = one per core).
   * Must be called before that server binds: it makes its socket shareable
   * (SO_REUSEPORT), and the host starts the other workers once this one is
   * listening.
   */
  requestWorkers?(n: number): void;
}
