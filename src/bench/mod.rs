//! `howth bench http`: the one HTTP measurement of the project. Alone it
//! measures one app on Howth; `make bench` (benches/harness/) runs it for
//! every run of every runtime, on servers it started itself (`--url`,
//! `--pid`, `--json`).
//!
//! A run: the load generator (oha, or wrk with benches/harness/wrk.lua)
//! pinned off CPU 0 against a server, whose CPU time (utime+stime of all
//! its threads, from /proc/PID/stat, over its process tree) and peak memory
//! are sampled around it, with the share of its CPU that others took. The
//! result is req/s, p50/p99 latency, CPU µs per request, peak RSS and the
//! error counts. CPU µs per request is the figure that separates servers on
//! a 2-core machine, where the load generator saturates first (see
//! docs/benchmarks.md, "Method").
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

mod app;
mod loadgen;
mod measure;
mod procfs;

use loadgen::{Load, LoadGen, Mix, Tool};
use measure::{Pinning, Run};

/// The app run when no file is given.
const HELLO_APP: &str = "// howth bench http: the built-in hello world.\n\
export default {\n  fetch: () => new Response(\"Hi\"),\n};\n";

#[derive(clap::Args, Debug, Clone)]
pub struct BenchHttpArgs {
    /// How long to measure: 10s, 500ms, 1m (a bare number is seconds)
    #[arg(long, short = 'd', default_value = "10s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Concurrent connections
    #[arg(long, short = 'c', default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    pub connections: u32,
    /// Requests per round trip on each connection; above 1 needs wrk (oha does not pipeline)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub pipeline: u32,
    /// Load before measuring, discarded: 2s, 0 for none
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    pub warmup: Duration,
    /// Generated requests instead of one fixed one (HttpArena-style profiles; needs wrk)
    #[arg(long, value_enum, value_name = "MIX")]
    pub mix: Option<Mix>,
    /// The load generator: oha or wrk [default: oha; wrk when pipelining or with --mix]
    #[arg(long, value_enum, value_name = "TOOL")]
    pub load: Option<Tool>,
    /// The load generator's binary [default: from $PATH, else .bench-tools/bin/]
    #[arg(long, value_name = "PATH")]
    pub load_bin: Option<PathBuf>,
    /// The path (and query) to request
    #[arg(long, default_value = "/", conflicts_with = "url")]
    pub path: String,
    /// The request method
    #[arg(long, default_value = "GET")]
    pub method: String,
    /// Send this file's bytes as each request's body
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    /// The requests' Content-Type
    #[arg(long, value_name = "TYPE")]
    pub content_type: Option<String>,
    /// Measure the server already running at this URL (needs --pid) instead of starting one
    #[arg(long, value_name = "URL", requires = "pid", conflicts_with_all = ["file", "howth"])]
    pub url: Option<String>,
    /// The process id of the server at --url, whose CPU time and memory are measured
    #[arg(long, value_name = "PID", requires = "url")]
    pub pid: Option<u32>,
    /// The howth binary to benchmark (default: this one)
    #[arg(long, value_name = "PATH")]
    pub howth: Option<PathBuf>,
    /// Print the result as one JSON object
    #[arg(long)]
    pub json: bool,
    /// Also write the load generator's own output to this file
    #[arg(long, value_name = "FILE")]
    pub raw: Option<PathBuf>,
    /// The server to run (it must serve on --port/PORT); default: a built-in hello world
    pub file: Option<PathBuf>,
}

/// "10s", "500ms", "1m", "1.5s", "2" (seconds), "0".
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration '{s}': use e.g. 10s, 500ms or 1m"))?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" | "min" => n * 60.0,
        _ => return Err(format!("invalid duration unit in '{s}': use ms, s or m")),
    };
    if !secs.is_finite() || secs > 86_400.0 {
        return Err(format!("duration '{s}' is out of range"));
    }
    Ok(Duration::from_secs_f64(secs))
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::FAILURE
}

/// `howth bench http`.
pub fn run_http(args: &BenchHttpArgs) -> ExitCode {
    match run(args) {
        Ok(code) => code,
        Err(e) => fail(&e),
    }
}

fn run(args: &BenchHttpArgs) -> Result<ExitCode, String> {
    if !args.path.starts_with('/') {
        return Err(format!("--path must start with '/', got '{}'", args.path));
    }
    if let Some(f) = &args.body_file {
        if !f.is_file() {
            return Err(format!("--body-file '{}': no such file", f.display()));
        }
    }
    if args.load == Some(Tool::Oha) && args.mix.is_some() {
        return Err("--mix needs --load wrk: oha does not run request scripts".into());
    }
    let needs_wrk = args.pipeline > 1 || args.mix.is_some();
    let tool = match (args.load, needs_wrk) {
        (Some(Tool::Oha), true) => {
            return Err("--pipeline above 1 needs --load wrk: oha does not pipeline".into())
        }
        (Some(t), _) => t,
        (None, true) => Tool::Wrk,
        (None, false) => Tool::Oha,
    };
    let howth = match &args.howth {
        Some(p) => p.clone(),
        None => std::env::current_exe().map_err(|e| format!("cannot find the howth binary: {e}"))?,
    };
    if args.url.is_none() && !loadgen::is_executable(&howth) {
        return Err(format!("{} is not an executable", howth.display()));
    }
    let tmp = std::env::temp_dir().join(format!("howth-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
    let result = run_in(args, tool, &howth, &tmp);
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

fn run_in(args: &BenchHttpArgs, tool: Tool, howth: &Path, tmp: &Path) -> Result<ExitCode, String> {
    let bin = loadgen::find(tool, args.load_bin.as_deref(), howth)?;
    let script = match tool {
        Tool::Oha => None,
        Tool::Wrk => {
            let script = tmp.join("wrk.lua");
            std::fs::write(&script, loadgen::WRK_LUA)
                .map_err(|e| format!("cannot write {}: {e}", script.display()))?;
            Some(script)
        }
    };
    let gen = LoadGen { tool, bin, script };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pin = Pinning::for_cores(cores);
    let loadavg = procfs::load_average();
    let say = |line: String| {
        if !args.json {
            println!("{line}");
        }
    };
    let warn = |line: String| eprintln!("! {line}");

    // The server: the caller's, or `howth run FILE` started here.
    let (_server, pid, url, app_name) = match (&args.url, args.pid) {
        (Some(url), Some(pid)) => (None, pid, url.clone(), None),
        _ => {
            let (file, name) = match &args.file {
                Some(f) if f.is_file() => (f.clone(), f.display().to_string()),
                Some(f) => return Err(format!("cannot benchmark '{}': no such file", f.display())),
                None => {
                    let f = tmp.join("hello.ts");
                    std::fs::write(&f, HELLO_APP)
                        .map_err(|e| format!("cannot write {}: {e}", f.display()))?;
                    (f, "built-in hello world".to_string())
                }
            };
            let (server, addr) = app::start(howth, &file, &pin.server, &tmp.join("server.log"))?;
            let url = format!("http://{addr}{}", args.path);
            let pid = server.pid;
            let version = loadgen::first_line(howth, "--version").unwrap_or_else(|| "howth".into());
            say(format!(
                "howth bench http: {name}, {} {}, {} connections{}, {:.1} s after {:.1} s warm-up",
                args.method,
                args.path,
                args.connections,
                if args.pipeline > 1 {
                    format!(", {} requests per round trip", args.pipeline)
                } else {
                    String::new()
                },
                args.duration.as_secs_f64(),
                args.warmup.as_secs_f64(),
            ));
            say(format!("  server: {version}, pid {pid}; load: {}", gen.version()));
            say(format!("  pinning: {}", pin.text));
            match app::probe(addr, &args.path) {
                Ok((status, ctype, len)) => {
                    say(format!(
                        "  check: GET {} → {status} {ctype}, {len} bytes",
                        args.path
                    ));
                    if !(200..300).contains(&status) {
                        warn(format!(
                            "GET {} answered {status}: the measurement counts only 2xx",
                            args.path
                        ));
                    }
                }
                Err(e) => warn(format!("GET {} failed: {e}", args.path)),
            }
            (Some(server), pid, url, Some(name))
        }
    };
    if let Some(l) = loadavg.filter(|&l| l > 0.5) {
        if !args.json {
            warn(format!(
                "the machine is busy (load average {l:.2}): figures will be noisy; compare only within one run"
            ));
        }
    }

    let load = Load {
        url: &url,
        method: &args.method,
        content_type: args.content_type.as_deref(),
        body_file: args.body_file.as_deref(),
        connections: args.connections,
        pipeline: args.pipeline,
        threads: pin.load_cpus,
        mix: args.mix,
    };
    let run = measure::measure(&gen, &load, &pin, pid, args.warmup, args.duration, &|l| say(l))?;
    if let Some(f) = &args.raw {
        std::fs::write(f, &run.raw).map_err(|e| format!("cannot write {}: {e}", f.display()))?;
    }
    let problems = run.problems();
    if args.json {
        let j = run_json(
            args,
            &run,
            &gen,
            &pin,
            &url,
            loadavg,
            app_name.as_deref(),
            &problems,
        );
        println!("{j}");
    } else {
        println!("{}", run_text(args, &run));
        if let Some(n) = run.noise.filter(|n| n.is_loud()) {
            warn(format!(
                "other processes took {:.0}% of the server's CPU during the run: the machine was not quiet, figures are noisy",
                (n.other + n.steal) * 100.0
            ));
        }
        for p in &problems {
            warn(format!("{p}: not a valid result"));
        }
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The figures of one run as `make bench` reads them (benches/harness/).
#[allow(clippy::too_many_arguments)]
fn run_json(
    args: &BenchHttpArgs,
    run: &Run,
    gen: &LoadGen,
    pin: &Pinning,
    url: &str,
    loadavg: Option<f64>,
    app: Option<&str>,
    problems: &[String],
) -> serde_json::Value {
    let r = &run.report;
    serde_json::json!({
        "url": url,
        "file": app,
        "method": args.method,
        "connections": args.connections,
        "pipeline": args.pipeline,
        "mix": args.mix.map(|m| m.name()),
        "durationS": r.duration_s,
        "warmupS": args.warmup.as_secs_f64(),
        "loadGenerator": gen.version(),
        "pinning": pin.text,
        "loadAverage": loadavg,
        "rps": r.rps(),
        "p50Ms": r.p50_ms,
        "p99Ms": r.p99_ms,
        "responses": r.responses,
        "ok": r.ok,
        "non2xx": r.non_2xx,
        "errors": r.errors,
        "errorKinds": counts_json(&r.error_kinds),
        "deadlineAborted": r.deadline_aborted,
        "statusCodes": counts_json(&r.status_codes),
        "cpuTicks": run.ticks,
        "clkTck": run.clk_tck,
        "wallS": run.wall_s,
        "cpuUsPerReq": run.cpu_us_per_request(),
        "serverCpu": run.server_cpu(),
        "serverCoreOther": run.noise.map(|n| n.other),
        "serverCoreSteal": run.noise.map(|n| n.steal),
        "peakRssMb": run.peak_rss_kb.map(|kb| kb as f64 / 1024.0),
        "rssReset": run.rss_reset,
        "problems": problems,
    })
}

fn run_text(args: &BenchHttpArgs, run: &Run) -> String {
    let r = &run.report;
    let cpu_us = run.cpu_us_per_request();
    let mut s = String::new();
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "  requests/s     {}   (2xx responses per second)",
        r.rps().map_or_else(|| "—".into(), fmt_int)
    );
    let _ = writeln!(
        s,
        "  latency        p50 {} ms   p99 {} ms",
        fmt_opt(r.p50_ms, 2),
        fmt_opt(r.p99_ms, 2)
    );
    let capacity = cpu_us.map_or_else(String::new, |us| {
        format!("; capacity ≈ {} req/s per core", fmt_int(1e6 / us))
    });
    let _ = writeln!(
        s,
        "  server CPU     {} µs/request   ({} of one core{capacity})",
        fmt_opt(cpu_us, if args.pipeline > 1 { 2 } else { 1 }),
        run.server_cpu()
            .map_or_else(|| "—".into(), |u| format!("{:.0}%", u * 100.0)),
    );
    let _ = writeln!(
        s,
        "  peak RSS       {} MB",
        fmt_opt(run.peak_rss_kb.map(|kb| kb as f64 / 1024.0), 1)
    );
    let _ = write!(
        s,
        "  responses      {} 2xx, {} non-2xx, {} errors",
        fmt_int(r.ok as f64),
        fmt_int(r.non_2xx as f64),
        fmt_int(r.errors as f64)
    );
    if r.deadline_aborted > 0 {
        let _ = write!(s, " ({} cut off by the deadline, not errors)", r.deadline_aborted);
    }
    s
}

fn counts_json(counts: &[(String, u64)]) -> serde_json::Value {
    counts
        .iter()
        .map(|(k, n)| (k.clone(), serde_json::Value::from(*n)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// 81234.4 → "81,234".
pub fn fmt_int(n: f64) -> String {
    let s = format!("{:.0}", n.max(0.0));
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn fmt_opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "—".into(), |x| format!("{x:.digits$}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("10").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("1m").unwrap(), Duration::from_secs(60));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("10h").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("-1s").is_err());
    }

    #[test]
    fn formatting() {
        assert_eq!(fmt_int(0.0), "0");
        assert_eq!(fmt_int(999.4), "999");
        assert_eq!(fmt_int(1000.0), "1,000");
        assert_eq!(fmt_int(81234.4), "81,234");
        assert_eq!(fmt_int(1027000.0), "1,027,000");
        assert_eq!(fmt_opt(None, 1), "—");
        assert_eq!(fmt_opt(Some(1.26), 1), "1.3");
    }
}
