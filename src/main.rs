//! The `howth` command.

#![forbid(unsafe_code)]
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench;

#[derive(Parser)]
#[command(
    name = "howth",
    version = howth::VERSION,
    about = "Run TypeScript HTTP servers on V8, faster than Bun",
    disable_help_subcommand = true,
    // One line per flag in --help, whatever the terminal (docs/cli.md).
    term_width = 0
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once; boxing buys nothing
enum Command {
    /// Run a TypeScript or JavaScript file (and serve its default export)
    Run {
        /// Port for the served default export (overrides the PORT variable)
        #[arg(long, short)]
        port: Option<u16>,
        /// Let V8 use background threads for GC and compilation
        #[arg(long)]
        v8_threads: bool,
        /// Extra V8 flags, e.g. "--max-old-space-size=512"
        #[arg(long, default_value = "")]
        v8_flags: String,
        /// Serve from N threads, each with its own isolate and socket on the
        /// same port ("auto": one per core); a crashed worker is restarted
        #[arg(long, value_name = "N|auto")]
        workers: Option<howth::Workers>,
        #[command(flatten)]
        limits: ServeFlags,
        /// The entry file: .ts, .mts, .js or .mjs
        #[arg(help_heading = "Arguments", display_order = 1)]
        file: PathBuf,
        /// Arguments for the script (Howth.args)
        #[arg(
            help_heading = "Arguments",
            display_order = 2,
            trailing_var_arg = true,
            allow_hyphen_values = true
        )]
        args: Vec<String>,
    },
    /// Measure one app against Howth alone (oha, or wrk when pipelining)
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
    /// Print help
    Help,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// HTTP load on `howth run <file>` (default: a built-in hello world)
    Http(bench::BenchHttpArgs),
}

fn main() -> ExitCode {
    // Answered before clap so the V8 version can be shown without fixing
    // V8's platform options before `run` reads its flags.
    let first = std::env::args().nth(1);
    if matches!(first.as_deref(), Some("--version" | "-V" | "version")) {
        println!("howth {}", howth::version_string());
        return ExitCode::SUCCESS;
    }
    let cli = Cli::parse();
    match cli.command {
        Command::Bench {
            what: BenchCommand::Http(a),
        } => bench::run_http(&a),
        Command::Help => {
            use clap::CommandFactory;
            let _ = Cli::command().print_long_help();
            ExitCode::SUCCESS
        }
        Command::Run {
            port,
            v8_threads,
            v8_flags,
            workers,
            limits,
            file,
            args,
        } => {
            if !file.is_file() {
                eprintln!("error: cannot run '{}': no such file", file.display());
                return ExitCode::from(2);
            }
            let port_override = match port {
                Some(p) => Some(p),
                None => match std::env::var("PORT") {
                    Ok(v) => match v.parse::<u16>() {
                        Ok(p) => Some(p),
                        Err(_) => {
                            eprintln!("error: PORT must be a number from 0 to 65535, got '{v}'");
                            return ExitCode::from(2);
                        }
                    },
                    Err(_) => None,
                },
            };
            let opts = howth::RuntimeOptions {
                args,
                port_override,
                platform: howth::PlatformOptions {
                    background_threads: v8_threads,
                    flags: v8_flags,
                },
                ..Default::default()
            };
            let code = howth::run_supervised(&file, opts, limits.serve_defaults(), workers);
            ExitCode::from(code.clamp(0, 255) as u8)
        }
    }
}

/// Limits for every server the script starts; a server's own options win.
#[derive(clap::Args)]
#[command(next_help_heading = "Server limits (a server's own options win; 0 turns a limit off)")]
struct ServeFlags {
    /// Largest request body in bytes, 413 beyond [default: 16777216]
    #[arg(long, value_name = "BYTES")]
    max_body_bytes: Option<u64>,
    /// Largest request head in bytes, 431 beyond [default: 16384]
    #[arg(long, value_name = "BYTES")]
    max_header_bytes: Option<u64>,
    /// Most header fields in a request (at most 128), 431 beyond [default: 100]
    #[arg(long, value_name = "N")]
    max_headers: Option<u64>,
    /// Longest request target in bytes, 414 beyond [default: 8192]
    #[arg(long, value_name = "BYTES")]
    max_url_length: Option<u64>,
    /// Connections open at once; accepting pauses at the limit [default: 0, none]
    #[arg(long, value_name = "N")]
    max_connections: Option<u64>,
    /// Requests per connection; the last gets Connection: close [default: 0, none]
    #[arg(long, value_name = "N")]
    max_requests_per_connection: Option<u64>,
    /// Time for a request head to arrive [default: 10000]
    #[arg(long, value_name = "MS")]
    header_timeout_ms: Option<u64>,
    /// Time for a request body to arrive after its head [default: 60000]
    #[arg(long, value_name = "MS")]
    body_timeout_ms: Option<u64>,
    /// Time a connection may idle between requests or leave output unread [default: 10000]
    #[arg(long, value_name = "MS")]
    idle_timeout_ms: Option<u64>,
    /// Time JS may run for one batch of requests before it is stopped (503) [default: 10000]
    #[arg(long, value_name = "MS")]
    max_handler_ms: Option<u64>,
    /// Time requests in flight get to finish after stop() or SIGINT/SIGTERM [default: 10000]
    #[arg(long, value_name = "MS")]
    shutdown_timeout_ms: Option<u64>,
}

impl ServeFlags {
    fn serve_defaults(&self) -> howth::ServeOptions {
        let mut o = howth::ServeOptions::default();
        let flags = [
            ("maxBodyBytes", self.max_body_bytes),
            ("maxHeaderBytes", self.max_header_bytes),
            ("maxHeaders", self.max_headers),
            ("maxUrlLength", self.max_url_length),
            ("maxConnections", self.max_connections),
            ("maxRequestsPerConnection", self.max_requests_per_connection),
            ("headerTimeoutMs", self.header_timeout_ms),
            ("bodyTimeoutMs", self.body_timeout_ms),
            ("idleTimeoutMs", self.idle_timeout_ms),
            ("maxHandlerMs", self.max_handler_ms),
            ("shutdownTimeoutMs", self.shutdown_timeout_ms),
        ];
        for (name, value) in flags {
            if let Some(v) = value {
                o.set(name, v).expect("every flag names a serve option");
            }
        }
        o
    }
}
