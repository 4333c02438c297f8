//! The `howth` command.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "howth",
    version = howth::VERSION,
    about = "Run TypeScript HTTP servers on V8, faster than Bun",
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
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
        /// The entry file: .ts, .mts, .js or .mjs
        file: PathBuf,
        /// Arguments for the script (Howth.args)
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Print help
    Help,
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
        Command::Help => {
            use clap::CommandFactory;
            let _ = Cli::command().print_long_help();
            ExitCode::SUCCESS
        }
        Command::Run {
            port,
            v8_threads,
            v8_flags,
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
            let code = howth::run_file(&file, &opts);
            ExitCode::from(code.clamp(0, 255) as u8)
        }
    }
}
