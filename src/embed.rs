//! Howth inside another Rust program: [`Howth::builder`] starts a server
//! from a file or a source string and returns a [`Server`] handle once it
//! listens; host functions registered on the builder are what the program
//! hands its TypeScript (`Howth.ops.name(...)`).
use std::fs::DirBuilder;
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use howth_loop::ServeOptions;
use howth_runtime::{HostValue, RuntimeOptions};

use crate::workers::{Plan, Supervisor, Workers};
use crate::Error;

/// The entry point of the embedding API: `Howth::builder()`.
pub struct Howth;

impl Howth {
    /// A builder for a server; give it an entry with [`Builder::file`] or
    /// [`Builder::source`], then [`Builder::start`] it.
    pub fn builder() -> Builder {
        Builder::default()
    }
}

enum Entry {
    File(PathBuf),
    Source { name: String, code: String },
}

/// Configures and starts a Howth server. See the [crate docs](crate) for
/// an example.
#[derive(Default)]
#[must_use = "a builder does nothing until start() is called"]
pub struct Builder {
    entry: Option<Entry>,
    runtime: RuntimeOptions,
    serve_defaults: ServeOptions,
    workers: Option<Workers>,
    /// Invalid settings, reported by `start`.
    invalid: Vec<String>,
}

impl Builder {
    /// Runs the module at `path` (.ts, .mts, .js or .mjs); its imports
    /// resolve relative to it, as under `howth run`.
    pub fn file(mut self, path: impl Into<PathBuf>) -> Builder {
        self.entry = Some(Entry::File(path.into()));
        self
    }

    /// Runs `code` as a module named `name` (a file name such as "app.ts";
    /// its extension says how to compile it).
    ///
    /// The loader reads modules from files, so the code is written to a
    /// private temporary directory (mode 0700) that is removed when the
    /// server ends. Relative imports therefore find nothing; import by
    /// absolute path, or use [`Builder::file`] for an app of several
    /// modules.
    pub fn source(mut self, name: &str, code: impl Into<String>) -> Builder {
        self.entry = Some(Entry::Source {
            name: name.to_string(),
            code: code.into(),
        });
        self
    }

    /// The port for the default export, and for `Howth.serve` calls that
    /// name none, as `howth run --port` sets it (a port the script passes
    /// to `Howth.serve` itself wins). 0 picks a free port: see
    /// [`Server::port`]. Unset: the script's port, else 3000.
    pub fn port(mut self, port: u16) -> Builder {
        self.runtime.port_override = Some(port);
        self
    }

    /// The address servers bind when the script names none (default
    /// "0.0.0.0"), e.g. "127.0.0.1" to serve only this machine.
    pub fn hostname(mut self, hostname: impl Into<String>) -> Builder {
        self.runtime.hostname = Some(hostname.into());
        self
    }

    /// Sets a server limit by its `Howth.serve` option name
    /// ([`crate::OPTION_NAMES`]: "maxBodyBytes", "maxConnections",
    /// "idleTimeoutMs", "maxHandlerMs", ...). It is the default: a script
    /// that sets the option itself wins. An unknown name fails `start`.
    pub fn serve_option(mut self, name: &str, value: u64) -> Builder {
        if let Err(e) = self.serve_defaults.set(name, value) {
            self.invalid.push(e);
        }
        self
    }

    /// Runs `workers` threads, each with its own isolate and socket on the
    /// same port (see [Workers](crate#workers)). `0` means one per
    /// core. A worker that crashes is restarted.
    pub fn workers(mut self, workers: impl Into<Workers>) -> Builder {
        self.workers = Some(workers.into());
        self
    }

    /// `Howth.args`.
    pub fn args<I, S>(mut self, args: I) -> Builder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.runtime.args = args.into_iter().map(Into::into).collect();
        self
    }

    /// Each isolate's V8 heap limit in bytes.
    pub fn heap_limit(mut self, bytes: usize) -> Builder {
        self.runtime.heap_limit = bytes;
        self
    }

    /// Registers `Howth.ops.<name>(...)`, a function JS calls
    /// synchronously: it runs on the calling worker's loop thread, so keep
    /// it quick (use [`Builder::async_function`] for anything that
    /// blocks). `Err(message)` is thrown in JS as an `Error`. With several
    /// workers it is called from several threads at once.
    ///
    /// ```
    /// use howth::{Howth, HostValue};
    ///
    /// let builder = Howth::builder().function("add", |args: &[HostValue]| {
    ///     let a = args.first().and_then(HostValue::as_f64).ok_or("add(a, b): a must be a number")?;
    ///     let b = args.get(1).and_then(HostValue::as_f64).ok_or("add(a, b): b must be a number")?;
    ///     Ok(HostValue::Number(a + b))
    /// });
    /// # drop(builder);
    /// ```
    pub fn function<F>(mut self, name: &str, f: F) -> Builder
    where
        F: Fn(&[HostValue]) -> Result<HostValue, String> + Send + Sync + 'static,
    {
        self.check_name(name);
        self.runtime.host.add(name, f);
        self
    }

    /// Registers `Howth.ops.<name>(...)` returning a Promise: `f` runs on
    /// a pool of host threads (see [`Builder::async_threads`]) and its
    /// result resolves the promise on the loop's thread; `Err(message)`
    /// rejects it with an `Error`.
    ///
    /// ```
    /// use howth::{Howth, HostValue};
    ///
    /// let builder = Howth::builder().async_function("readConfig", |_args: &[HostValue]| {
    ///     let text = std::fs::read_to_string("/etc/hostname").map_err(|e| e.to_string())?;
    ///     Ok(HostValue::String(text))
    /// });
    /// # drop(builder);
    /// ```
    pub fn async_function<F>(mut self, name: &str, f: F) -> Builder
    where
        F: Fn(&[HostValue]) -> Result<HostValue, String> + Send + Sync + 'static,
    {
        self.check_name(name);
        self.runtime.host.add_async(name, f);
        self
    }

    /// Threads that run async host functions (default 4), shared by every
    /// worker; started by the first async call.
    pub fn async_threads(mut self, n: usize) -> Builder {
        self.runtime.host.set_async_threads(n);
        self
    }

    fn check_name(&mut self, name: &str) {
        if name.is_empty() {
            self.invalid.push("a host function needs a name".into());
        }
    }

    /// Starts the server and returns once it listens: the entry module has
    /// run and every worker is up. Fails, with the message `howth run`
    /// would print, when the script fails to load or to serve (a port in
    /// use, say), or when it starts no server.
    pub fn start(self) -> Result<Server, Error> {
        if let Some(problem) = self.invalid.into_iter().next() {
            return Err(Error::Start(format!("error: {problem}")));
        }
        let (entry, source) = match self.entry {
            None => {
                return Err(Error::Start(
                    "error: no entry module: call .file(path) or .source(name, code)".into(),
                ))
            }
            Some(Entry::File(path)) => {
                if !path.is_file() {
                    return Err(Error::Start(format!(
                        "error: cannot run '{}': no such file",
                        path.display()
                    )));
                }
                (path, None)
            }
            Some(Entry::Source { name, code }) => {
                let dir = SourceDir::write(&name, &code)
                    .map_err(|e| Error::Start(format!("error: cannot write {name}: {e}")))?;
                (dir.path.clone(), Some(dir))
            }
        };
        let plan = Plan {
            entry,
            runtime: self.runtime,
            serve_defaults: self.serve_defaults,
            workers: self.workers,
            signals: false,
            exits_with_run: false,
        };
        let shown = plan
            .entry
            .file_name()
            .map(Path::new)
            .unwrap_or(&plan.entry)
            .display()
            .to_string();
        let (supervisor, listening) = Supervisor::start(plan)?;
        let Some(port) = listening.port else {
            drop(supervisor);
            return Err(Error::Start(format!(
                "error: {shown} started no server: export default {{ fetch(req) {{ ... }} }} or call \
                 Howth.serve"
            )));
        };
        Ok(Server {
            supervisor: Some(supervisor),
            port,
            workers: listening.workers,
            _source: source,
        })
    }
}

/// A running server. Dropping it stops the server and waits for it.
#[must_use = "dropping the handle stops the server"]
pub struct Server {
    // Dropped first: the workers end before their source file goes.
    supervisor: Option<Supervisor>,
    port: u16,
    workers: usize,
    _source: Option<SourceDir>,
}

impl Server {
    /// The port the server listens on: the builder's port, or with port 0
    /// the one picked, shared by every worker. (With servers of its own,
    /// it is the port of the last one the script started while loading,
    /// which is the default export's.)
    pub fn port(&self) -> u16 {
        self.port
    }

    /// How many workers serve.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Stops the server: listeners close and connections close at once.
    /// Returns at once; [`Server::wait`] waits for it to finish.
    pub fn stop(&self) {
        if let Some(s) = &self.supervisor {
            s.stop();
        }
    }

    /// Waits until the server has ended: after [`Server::stop`], or when
    /// the script ends by itself. Ok when it ended cleanly; the script's
    /// failure otherwise (with several workers, a failure that was not
    /// restarted away).
    pub fn wait(mut self) -> Result<(), Error> {
        match self.supervisor.take() {
            Some(s) => s.wait(),
            None => Ok(()),
        }
    }
}

/// A private temporary directory holding a source-string entry module.
struct SourceDir {
    dir: PathBuf,
    path: PathBuf,
}

impl SourceDir {
    fn write(name: &str, code: &str) -> io::Result<SourceDir> {
        if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\0']) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the module name must be a file name such as \"app.ts\"",
            ));
        }
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::temp_dir();
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir = base.join(format!("howth-embed-{}-{n}", std::process::id()));
            // create, not create_all: the directory must be new (ours alone).
            match DirBuilder::new().mode(0o700).create(&dir) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
            let source = SourceDir {
                path: dir.join(name),
                dir,
            };
            std::fs::write(&source.path, code)?;
            return Ok(source);
        }
    }
}

impl Drop for SourceDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
