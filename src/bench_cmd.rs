//! `howth bench http`: the `make bench` measurement (benches/harness/) for
//! one app on Howth alone.
//!
//! Starts `howth run --port <free port> FILE` pinned to CPU 0 (when the
//! machine has two cores or more and `taskset` exists), waits for the port,
//! checks one response, warms up, then runs oha (or wrk with the harness's
//! pipelining script for `--pipeline N`) pinned to the other CPUs. The
//! server's CPU time (utime+stime of all its threads, from /proc/PID/stat,
//! over its process tree) is sampled around the measured run; the result is
//! req/s, p50/p99 latency, CPU µs per request, peak RSS and the non-2xx and
//! error counts. CPU µs per request is the figure that separates servers on
//! a 2-core machine, where the load generator saturates first (see
//! docs/benchmarks.md, "Method").
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The app run when no file is given.
const HELLO_APP: &str = "// howth bench http: the built-in hello world.\n\
export default {\n  fetch: () => new Response(\"Hi\"),\n};\n";

/// benches/harness/pipeline.lua: N requests per round trip for wrk.
const PIPELINE_LUA: &str = include_str!("../benches/harness/pipeline.lua");

#[derive(clap::Args, Debug, Clone)]
pub struct BenchHttpArgs {
    /// How long to measure: 10s, 500ms, 1m (a bare number is seconds)
    #[arg(long, short = 'd', default_value = "10s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Concurrent connections
    #[arg(long, short = 'c', default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    pub connections: u32,
    /// Requests per round trip on each connection; above 1 uses wrk with the
    /// harness's pipelining script (oha does not pipeline)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub pipeline: u32,
    /// Load before measuring, discarded: 2s, 0 for none
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    pub warmup: Duration,
    /// The path (and query) to request
    #[arg(long, default_value = "/")]
    pub path: String,
    /// The howth binary to benchmark (default: this one)
    #[arg(long, value_name = "PATH")]
    pub howth: Option<PathBuf>,
    /// Print the result as one JSON object
    #[arg(long)]
    pub json: bool,
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

// ---- /proc ---------------------------------------------------------------------

/// The fields of /proc/PID/stat that the measurement uses (times in ticks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcStat {
    pub pid: u32,
    pub comm: String,
    pub state: char,
    pub utime: u64,
    pub stime: u64,
    pub cutime: u64,
    pub cstime: u64,
    pub num_threads: u64,
}

impl ProcStat {
    /// CPU time of every thread of the process, plus its reaped children.
    pub fn ticks(&self) -> u64 {
        self.utime + self.stime + self.cutime + self.cstime
    }
}

/// Parses /proc/PID/stat. The command name (field 2) is in parentheses and
/// may itself hold spaces and parentheses, so the fields after it are split
/// from the LAST ')'.
pub fn parse_proc_stat(text: &str) -> Result<ProcStat, String> {
    let malformed = || {
        format!(
            "malformed /proc stat: {:?}",
            text.chars().take(80).collect::<String>()
        )
    };
    let open = text.find('(').ok_or_else(malformed)?;
    let close = text.rfind(')').filter(|&c| c > open).ok_or_else(malformed)?;
    let pid = text[..open].trim().parse().map_err(|_| malformed())?;
    let comm = text[open + 1..close].to_string();
    // f[0] is field 3 (state).
    let f: Vec<&str> = text[close + 1..].split_whitespace().collect();
    let field = |n: usize| -> Result<u64, String> {
        f.get(n - 3)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("malformed /proc stat: field {n} of {:?}", f.get(n - 3)))
    };
    Ok(ProcStat {
        pid,
        comm,
        state: f.first().and_then(|s| s.chars().next()).ok_or_else(malformed)?,
        utime: field(14)?,
        stime: field(15)?,
        cutime: field(16)?,
        cstime: field(17)?,
        num_threads: field(20)?,
    })
}

/// A `Key:   123 kB` line of /proc/PID/status, in kB.
pub fn parse_status_kb(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        if k.trim() != key {
            return None;
        }
        v.split_whitespace().next()?.parse().ok()
    })
}

/// One CPU's line of /proc/stat, in ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuTimes {
    /// user + nice + system + irq + softirq (guest time is inside user).
    pub busy: u64,
    pub idle: u64,
    pub steal: u64,
}

impl CpuTimes {
    fn total(&self) -> u64 {
        self.busy + self.idle + self.steal
    }
}

/// The line of `cpu` ("cpu0", ...) in /proc/stat.
pub fn parse_cpu_times(text: &str, cpu: &str) -> Option<CpuTimes> {
    let line = text.lines().find(|l| l.split_whitespace().next() == Some(cpu))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    let at = |i: usize| v.get(i).copied().unwrap_or(0);
    Some(CpuTimes {
        busy: at(0) + at(1) + at(2) + at(5) + at(6),
        idle: at(3) + at(4),
        steal: at(7),
    })
}

/// Share (0..1) of a CPU taken by other processes and the hypervisor while
/// the server used `server_ticks` of it.
pub fn cpu_noise(before: CpuTimes, after: CpuTimes, server_ticks: u64) -> Option<f64> {
    let elapsed = after.total().checked_sub(before.total())?;
    if elapsed == 0 {
        return None;
    }
    let busy = after.busy.saturating_sub(before.busy);
    let other = busy.saturating_sub(server_ticks) + after.steal.saturating_sub(before.steal);
    Some((other as f64 / elapsed as f64).min(1.0))
}

/// Server CPU microseconds per successful request.
pub fn cpu_us_per_request(ticks: u64, clk_tck: u64, requests: u64) -> Option<f64> {
    if requests == 0 || clk_tck == 0 {
        return None;
    }
    Some(ticks as f64 / clk_tck as f64 * 1e6 / requests as f64)
}

// ---- load generator reports ----------------------------------------------------------

/// What oha or wrk reported, in the harness's terms.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoadReport {
    pub duration_s: f64,
    /// Every response received.
    pub responses: u64,
    /// 2xx responses.
    pub ok: u64,
    pub non_2xx: u64,
    /// Connection and protocol errors (requests oha cut off at the deadline
    /// are not errors: they are in `deadline_aborted`).
    pub errors: u64,
    pub error_kinds: Vec<(String, u64)>,
    pub deadline_aborted: u64,
    pub status_codes: Vec<(String, u64)>,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

impl LoadReport {
    /// 2xx responses per second.
    pub fn rps(&self) -> Option<f64> {
        (self.duration_s > 0.0).then(|| self.ok as f64 / self.duration_s)
    }
}

/// Parses `oha --output-format json`.
pub fn parse_oha(json: &str) -> Result<LoadReport, String> {
    let j: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("oha's output is not JSON: {e}"))?;
    let summary = j.get("summary").ok_or("not oha JSON output: no summary")?;
    let duration_s = summary
        .get("total")
        .and_then(|v| v.as_f64())
        .ok_or("oha JSON: no summary.total")?;
    let mut r = LoadReport {
        duration_s,
        ..LoadReport::default()
    };
    if let Some(codes) = j.get("statusCodeDistribution").and_then(|v| v.as_object()) {
        for (code, n) in codes {
            let n = n.as_u64().unwrap_or(0);
            r.responses += n;
            if code.len() == 3 && code.starts_with('2') && code.bytes().all(|b| b.is_ascii_digit()) {
                r.ok += n;
            }
            r.status_codes.push((code.clone(), n));
        }
    }
    r.non_2xx = r.responses - r.ok;
    if let Some(errors) = j.get("errorDistribution").and_then(|v| v.as_object()) {
        for (kind, n) in errors {
            let n = n.as_u64().unwrap_or(0);
            if kind.to_ascii_lowercase().contains("deadline") {
                r.deadline_aborted += n;
            } else {
                r.errors += n;
                r.error_kinds.push((kind.clone(), n));
            }
        }
    }
    r.error_kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
    let pct = |p: &str| {
        j.get("latencyPercentiles")
            .and_then(|l| l.get(p))
            .and_then(|v| v.as_f64())
            .map(|s| s * 1000.0)
    };
    r.p50_ms = pct("p50");
    r.p99_ms = pct("p99");
    Ok(r)
}

/// Parses the `HOWTH_WRK_JSON {...}` line pipeline.lua's done() prints.
pub fn parse_wrk_pipeline(stdout: &str) -> Result<LoadReport, String> {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("HOWTH_WRK_JSON "))
        .ok_or("no HOWTH_WRK_JSON line in wrk's output")?;
    let j: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("wrk's summary is not JSON: {e}"))?;
    let num = |v: &serde_json::Value| v.as_f64().unwrap_or(0.0);
    let e = &j["errors"];
    let status = num(&e["status"]) as u64;
    let responses = num(&j["requests"]) as u64;
    let mut error_kinds = Vec::new();
    for kind in ["connect", "read", "write", "timeout"] {
        let n = num(&e[kind]) as u64;
        if n > 0 {
            error_kinds.push((kind.to_string(), n));
        }
    }
    let ms = |us: f64| (us > 0.0).then_some(us / 1000.0);
    Ok(LoadReport {
        duration_s: num(&j["duration_us"]) / 1e6,
        responses,
        ok: responses.saturating_sub(status),
        non_2xx: status,
        errors: error_kinds.iter().map(|(_, n)| n).sum(),
        error_kinds,
        deadline_aborted: 0,
        status_codes: Vec::new(),
        // wrk's histogram answers 0 for a percentile it did not record.
        p50_ms: ms(num(&j["p50_us"])),
        p99_ms: ms(num(&j["p99_us"])),
    })
}

// ---- formatting ---------------------------------------------------------------------

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

/// The CPUs for the load generator: "1" on two cores, "1-3" on four.
pub fn load_cpus(cores: usize) -> String {
    if cores <= 2 {
        "1".into()
    } else {
        format!("1-{}", cores - 1)
    }
}

// ---- the run ------------------------------------------------------------------------

fn read_proc(pid: u32, file: &str) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/{file}")).ok()
}

/// The pid and its descendants (through /proc/PID/task/TID/children).
fn process_tree(pid: u32) -> Vec<u32> {
    let mut out = vec![pid];
    let mut i = 0;
    while i < out.len() {
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{}/task", out[i])) {
            for t in tasks.flatten() {
                let kids = std::fs::read_to_string(t.path().join("children")).unwrap_or_default();
                out.extend(kids.split_whitespace().filter_map(|k| k.parse::<u32>().ok()));
            }
        }
        i += 1;
    }
    out
}

fn server_ticks(pid: u32) -> u64 {
    process_tree(pid)
        .into_iter()
        .filter_map(|p| parse_proc_stat(&read_proc(p, "stat")?).ok())
        .map(|s| s.ticks())
        .sum()
}

fn peak_rss_kb(pid: u32) -> Option<u64> {
    let kb: u64 = process_tree(pid)
        .into_iter()
        .filter_map(|p| parse_status_kb(&read_proc(p, "status")?, "VmHWM"))
        .sum();
    (kb > 0).then_some(kb)
}

/// Resets VmHWM so the peak is this run's, not startup's.
fn reset_peak_rss(pid: u32) {
    for p in process_tree(pid) {
        let _ = std::fs::write(format!("/proc/{p}/clear_refs"), "5");
    }
}

fn cpu0_times() -> Option<CpuTimes> {
    parse_cpu_times(&std::fs::read_to_string("/proc/stat").ok()?, "cpu0")
}

fn clk_tck() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .filter(|&t| t > 0)
        .unwrap_or(100)
}

fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn on_path(cmd: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(cmd))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// oha: $PATH, then `.bench-tools/bin/oha` of the repository (next to the
/// binary's target/ folder, the current folder, or where it was built).
fn find_oha(howth: &Path) -> Option<PathBuf> {
    if let Some(p) = on_path("oha") {
        return Some(p);
    }
    let mut roots: Vec<PathBuf> = Vec::new();
    // <repo>/target/release/howth → <repo>
    if let Some(repo) = howth.parent().and_then(Path::parent).and_then(Path::parent) {
        roots.push(repo.to_path_buf());
    }
    if let Ok(cwd) = std::env::current_dir() {
        roots.push(cwd);
    }
    roots.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    roots
        .into_iter()
        .map(|r| r.join(".bench-tools/bin/oha"))
        .find(|p| is_executable(p))
}

fn first_line(cmd: &Path, arg: &str) -> Option<String> {
    let out = Command::new(cmd).arg(arg).stdin(Stdio::null()).output().ok()?;
    // wrk prints its version on stderr.
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines().next().map(|l| l.trim().to_string())
}

/// The server process; killed when dropped, whatever happens.
struct Server {
    child: Child,
    pid: u32,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        // Anything it started first (by pid), then the server itself.
        for p in process_tree(self.pid).into_iter().skip(1).rev() {
            let _ = Command::new("kill")
                .args(["-KILL", &p.to_string()])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(e) => Some(e.to_string()),
        }
    }

    fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        all[all.len().saturating_sub(lines)..].join("\n    ")
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One request on its own connection: (status, content-type, body length).
fn probe(addr: SocketAddr, path: &str) -> Result<(u16, String, usize), String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nUser-Agent: howth-bench\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        addr.port()
    )
    .map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    if let Err(e) = s.read_to_end(&mut buf) {
        if buf.is_empty() {
            return Err(e.to_string());
        }
    }
    let text = String::from_utf8_lossy(&buf);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no complete response")?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("not an HTTP response: {:?}", head.lines().next().unwrap_or("")))?;
    let ctype = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-type")
                .then(|| v.trim().to_string())
        })
        .unwrap_or_default();
    Ok((status, ctype, body.len()))
}

struct Pinning {
    server: Vec<String>,
    load: Vec<String>,
    text: String,
    load_threads: usize,
}

fn pinning(cores: usize) -> Pinning {
    let none = |why: &str, load_threads| Pinning {
        server: Vec::new(),
        load: Vec::new(),
        text: format!("none ({why})"),
        load_threads,
    };
    if cores < 2 {
        return none("one CPU: server and load generator share it", 1);
    }
    let Some(taskset) = on_path("taskset") else {
        return none("taskset not found", cores - 1);
    };
    let taskset = taskset.display().to_string();
    let load = load_cpus(cores);
    // Keep this process (it samples /proc now and then) off the server's CPU.
    let _ = Command::new(&taskset)
        .args(["-a", "-p", "-c", &load, &std::process::id().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    Pinning {
        server: vec![taskset.clone(), "-c".into(), "0".into()],
        load: vec![taskset, "-c".into(), load.clone()],
        text: format!("server on CPU 0, load generator on CPU {load}"),
        load_threads: cores - 1,
    }
}

/// Runs a command to completion; its stdout, or why it failed.
fn run_capture(argv: &[String]) -> Result<String, String> {
    let out = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", argv[0]))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(format!("{} exited with {}: {last}", argv[0], out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

enum Load {
    Oha(PathBuf),
    Wrk { wrk: PathBuf, script: PathBuf },
}

fn load_argv(load: &Load, pin: &Pinning, url: &str, args: &BenchHttpArgs, d: Duration) -> Vec<String> {
    let mut argv = pin.load.clone();
    match load {
        Load::Oha(oha) => {
            argv.push(oha.display().to_string());
            argv.extend([
                "-z".into(),
                format!("{}ms", d.as_millis().max(1)),
                "-c".into(),
                args.connections.to_string(),
                "--no-tui".into(),
                "--output-format".into(),
                "json".into(),
                url.into(),
            ]);
        }
        Load::Wrk { wrk, script } => {
            let threads = pin.load_threads.clamp(1, args.connections as usize);
            argv.push(wrk.display().to_string());
            argv.extend([
                "-t".into(),
                threads.to_string(),
                "-c".into(),
                args.connections.to_string(),
                "-d".into(),
                format!("{}s", d.as_secs_f64().ceil().max(1.0)),
                "-s".into(),
                script.display().to_string(),
                url.into(),
                "--".into(),
                args.pipeline.to_string(),
            ]);
        }
    }
    argv
}

fn counts_json(counts: &[(String, u64)]) -> serde_json::Value {
    counts
        .iter()
        .map(|(k, n)| (k.clone(), serde_json::Value::from(*n)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::FAILURE
}

/// `howth bench http`.
pub fn run_http(args: &BenchHttpArgs) -> ExitCode {
    if !args.path.starts_with('/') {
        return fail(&format!("--path must start with '/', got '{}'", args.path));
    }
    let howth = match &args.howth {
        Some(p) => p.clone(),
        None => match std::env::current_exe() {
            Ok(p) => p,
            Err(e) => return fail(&format!("cannot find the howth binary: {e}")),
        },
    };
    if !is_executable(&howth) {
        return fail(&format!("{} is not an executable", howth.display()));
    }
    let tmp = std::env::temp_dir().join(format!("howth-bench-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&tmp) {
        return fail(&format!("cannot create {}: {e}", tmp.display()));
    }
    let code = run_in(args, &howth, &tmp);
    let _ = std::fs::remove_dir_all(&tmp);
    code
}

fn run_in(args: &BenchHttpArgs, howth: &Path, tmp: &Path) -> ExitCode {
    let (file, app_name) = match &args.file {
        Some(f) => {
            if !f.is_file() {
                return fail(&format!("cannot benchmark '{}': no such file", f.display()));
            }
            (f.clone(), f.display().to_string())
        }
        None => {
            let f = tmp.join("hello.ts");
            if let Err(e) = std::fs::write(&f, HELLO_APP) {
                return fail(&format!("cannot write {}: {e}", f.display()));
            }
            (f, "built-in hello world".to_string())
        }
    };

    // The load generator.
    let load = if args.pipeline > 1 {
        let Some(wrk) = on_path("wrk") else {
            return fail("--pipeline needs wrk (oha cannot pipeline): install it with `apt-get install wrk`");
        };
        let script = tmp.join("pipeline.lua");
        if let Err(e) = std::fs::write(&script, PIPELINE_LUA) {
            return fail(&format!("cannot write {}: {e}", script.display()));
        }
        Load::Wrk { wrk, script }
    } else {
        match find_oha(howth) {
            Some(oha) => Load::Oha(oha),
            None => {
                return fail(
                    "oha not found (looked in $PATH and .bench-tools/bin/): install it with \
                     `cargo install oha --locked` (or `cargo install oha --locked --root .bench-tools` \
                     in the repository, where `make bench` puts it)",
                )
            }
        }
    };
    let (tool_name, tool_version) = match &load {
        Load::Oha(p) => (
            "oha",
            first_line(p, "--version")
                .map(|v| v.trim_start_matches("oha").trim().to_string())
                .unwrap_or_default(),
        ),
        Load::Wrk { wrk, .. } => (
            "wrk",
            first_line(wrk, "-v")
                .and_then(|v| v.split_whitespace().nth(1).map(str::to_string))
                .unwrap_or_default(),
        ),
    };

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pin = pinning(cores);
    let loadavg = load_average();
    let clk = clk_tck();
    let say = |line: String| {
        if !args.json {
            println!("{line}");
        }
    };
    let warn = |line: String| eprintln!("! {line}");

    // The server.
    let port = match free_port() {
        Ok(p) => p,
        Err(e) => return fail(&format!("cannot find a free port: {e}")),
    };
    let log = tmp.join("server.log");
    let log_file = match std::fs::File::create(&log) {
        Ok(f) => f,
        Err(e) => return fail(&format!("cannot create {}: {e}", log.display())),
    };
    let mut argv: Vec<String> = pin.server.clone();
    argv.extend([
        howth.display().to_string(),
        "run".into(),
        "--port".into(),
        port.to_string(),
        file.display().to_string(),
    ]);
    let child = Command::new(&argv[0])
        .args(&argv[1..])
        .env("PORT", port.to_string())
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().map_or_else(|_| Stdio::null(), Stdio::from))
        .stderr(Stdio::from(log_file))
        .spawn();
    let child = match child {
        Ok(c) => c,
        Err(e) => return fail(&format!("cannot start {}: {e}", argv[0])),
    };
    // taskset execs the server: the pid is the server's.
    let pid = child.id();
    let mut server = Server { child, pid, log };
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = server.exited() {
            return fail(&format!(
                "the server exited ({status}) before listening on port {port}; its output:\n    {}",
                server.log_tail(8)
            ));
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            break;
        }
        if Instant::now() > deadline {
            return fail(&format!(
                "the server did not listen on port {port} within 30 s (it must serve on --port/PORT); its output:\n    {}",
                server.log_tail(8)
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let version = first_line(howth, "--version").unwrap_or_else(|| "howth".into());
    let url = format!("http://127.0.0.1:{port}{}", args.path);
    say(format!(
        "howth bench http: {app_name}, GET {}, {} connections{}, {:.1} s after {:.1} s warm-up",
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
    say(format!(
        "  server: {version}, pid {pid}; {tool_name}: {tool_version}"
    ));
    say(format!("  pinning: {}", pin.text));
    if let Some(l) = loadavg {
        if l > 0.5 {
            warn(format!(
                "the machine is busy (load average {l:.2}): figures will be noisy; compare only within one run"
            ));
        }
    }
    let check = probe(addr, &args.path);
    match &check {
        Ok((status, ctype, len)) => {
            say(format!(
                "  check: GET {} → {status} {ctype}, {len} bytes",
                args.path
            ));
            if !(200..300).contains(status) {
                warn(format!(
                    "GET {} answered {status}: the measurement counts only 2xx",
                    args.path
                ));
            }
        }
        Err(e) => warn(format!("GET {} failed: {e}", args.path)),
    }

    reset_peak_rss(pid);
    if !args.warmup.is_zero() {
        say(format!("  warm-up {:.1} s ...", args.warmup.as_secs_f64()));
        if let Err(e) = run_capture(&load_argv(&load, &pin, &url, args, args.warmup)) {
            warn(format!("warm-up failed: {e}"));
        }
    }
    if let Some(status) = server.exited() {
        return fail(&format!(
            "the server exited during warm-up ({status}):\n    {}",
            server.log_tail(8)
        ));
    }
    say(format!("  measuring {:.1} s ...", args.duration.as_secs_f64()));
    // CPU 0's other load is only the server's neighbours' when it is pinned there.
    let pinned = !pin.server.is_empty();
    let cpu_before = if pinned { cpu0_times() } else { None };
    let ticks_before = server_ticks(pid);
    let started = Instant::now();
    let out = run_capture(&load_argv(&load, &pin, &url, args, args.duration));
    let wall = started.elapsed().as_secs_f64();
    let ticks = server_ticks(pid).saturating_sub(ticks_before);
    let cpu_after = if pinned { cpu0_times() } else { None };
    let rss_kb = peak_rss_kb(pid);
    let died = server.exited();
    let out = match out {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    let _ = std::fs::write(tmp.join("load-output.txt"), &out);
    let report = match &load {
        Load::Oha(_) => parse_oha(&out),
        Load::Wrk { .. } => parse_wrk_pipeline(&out),
    };
    let report = match report {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot read {tool_name}'s output: {e}")),
    };
    drop(server);

    let cpu_us = cpu_us_per_request(ticks, clk, report.ok);
    let cpu_util = (wall > 0.0).then(|| ticks as f64 / clk as f64 / wall);
    let noise = match (cpu_before, cpu_after) {
        (Some(b), Some(a)) => cpu_noise(b, a, ticks),
        _ => None,
    };
    let mut problems = Vec::new();
    if report.errors > 0 {
        let kinds: Vec<String> = report
            .error_kinds
            .iter()
            .take(3)
            .map(|(k, n)| format!("{k}: {n}"))
            .collect();
        problems.push(format!("{} errors ({})", report.errors, kinds.join(", ")));
    }
    if report.non_2xx > 0 {
        problems.push(format!("{} non-2xx responses", report.non_2xx));
    }
    if report.ok == 0 {
        problems.push("no successful responses".into());
    }
    if let Some(status) = &died {
        problems.push(format!("the server exited during the run ({status})"));
    }

    if args.json {
        let j = serde_json::json!({
            "file": app_name,
            "path": args.path,
            "connections": args.connections,
            "pipeline": args.pipeline,
            "durationS": report.duration_s,
            "warmupS": args.warmup.as_secs_f64(),
            "howth": version,
            "loadGenerator": format!("{tool_name} {tool_version}"),
            "pinning": pin.text,
            "loadAverage": loadavg,
            "rps": report.rps(),
            "p50Ms": report.p50_ms,
            "p99Ms": report.p99_ms,
            "cpuUsPerReq": cpu_us,
            "serverCpu": cpu_util,
            "serverCoreOther": noise,
            "peakRssMb": rss_kb.map(|kb| kb as f64 / 1024.0),
            "ok": report.ok,
            "non2xx": report.non_2xx,
            "errors": report.errors,
            "errorKinds": counts_json(&report.error_kinds),
            "deadlineAborted": report.deadline_aborted,
            "statusCodes": counts_json(&report.status_codes),
            "problems": problems,
        });
        println!("{j}");
    } else {
        let mut s = String::new();
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "  requests/s     {}   (2xx responses per second)",
            report.rps().map_or_else(|| "—".into(), fmt_int)
        );
        let _ = writeln!(
            s,
            "  latency        p50 {} ms   p99 {} ms",
            fmt_opt(report.p50_ms, 2),
            fmt_opt(report.p99_ms, 2)
        );
        let capacity = cpu_us.map_or_else(String::new, |us| {
            format!("; capacity ≈ {} req/s per core", fmt_int(1e6 / us))
        });
        let _ = writeln!(
            s,
            "  server CPU     {} µs/request   ({} of one core{capacity})",
            fmt_opt(cpu_us, if args.pipeline > 1 { 2 } else { 1 }),
            cpu_util.map_or_else(|| "—".into(), |u| format!("{:.0}%", u * 100.0)),
        );
        let _ = writeln!(
            s,
            "  peak RSS       {} MB",
            fmt_opt(rss_kb.map(|kb| kb as f64 / 1024.0), 1)
        );
        let _ = write!(
            s,
            "  responses      {} 2xx, {} non-2xx, {} errors",
            fmt_int(report.ok as f64),
            fmt_int(report.non_2xx as f64),
            fmt_int(report.errors as f64)
        );
        if report.deadline_aborted > 0 {
            let _ = write!(
                s,
                " ({} cut off by the deadline, not errors)",
                report.deadline_aborted
            );
        }
        println!("{s}");
        if let Some(n) = noise.filter(|&n| n > 0.05) {
            warn(format!(
                "other processes took {:.0}% of CPU 0 during the run: the machine was not quiet, figures are noisy",
                n * 100.0
            ));
        }
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        for p in &problems {
            warn(format!("{p}: not a valid result"));
        }
        ExitCode::FAILURE
    }
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
    fn proc_stat_plain() {
        let text =
            "4242 (howth) S 1 4242 4242 0 -1 4194560 1234 0 0 0 750 125 3 4 20 0 5 0 98765 123456789 4321 \
                    18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 0 0 0 0 0 0";
        let s = parse_proc_stat(text).unwrap();
        assert_eq!(s.pid, 4242);
        assert_eq!(s.comm, "howth");
        assert_eq!(s.state, 'S');
        assert_eq!((s.utime, s.stime, s.cutime, s.cstime), (750, 125, 3, 4));
        assert_eq!(s.num_threads, 5);
        assert_eq!(s.ticks(), 882);
    }

    #[test]
    fn proc_stat_comm_with_spaces_and_parens() {
        // A comm may hold ") S 1 2" itself: only the last ')' ends it.
        let text = "77 (a) S 1 2 (x) y) R 1 77 77 0 -1 0 0 0 0 0 11 22 33 44 20 0 9 0 5 6 7";
        let s = parse_proc_stat(text).unwrap();
        assert_eq!(s.comm, "a) S 1 2 (x) y");
        assert_eq!(s.state, 'R');
        assert_eq!((s.utime, s.stime, s.cutime, s.cstime), (11, 22, 33, 44));
        assert_eq!(s.num_threads, 9);
    }

    #[test]
    fn proc_stat_malformed() {
        assert!(parse_proc_stat("").is_err());
        assert!(parse_proc_stat("12 (x S 1").is_err());
        assert!(parse_proc_stat("12 (x) S 1 2 3").is_err());
        assert!(parse_proc_stat("12 (x) S 1 2 3 4 5 6 7 8 9 10 abc 1 1 1 1 1 1").is_err());
    }

    #[test]
    fn proc_status_vm_hwm() {
        let text =
            "Name:\thowth\nVmPeak:\t  200000 kB\nVmHWM:\t   38912 kB\nVmRSS:\t   30000 kB\nThreads:\t1\n";
        assert_eq!(parse_status_kb(text, "VmHWM"), Some(38912));
        assert_eq!(parse_status_kb(text, "VmRSS"), Some(30000));
        assert_eq!(parse_status_kb(text, "VmSwap"), None);
    }

    #[test]
    fn cpu_per_request() {
        // 250 ticks at 100 Hz = 2.5 s of CPU over 250,000 requests = 10 µs each.
        assert_eq!(cpu_us_per_request(250, 100, 250_000), Some(10.0));
        assert!((cpu_us_per_request(1, 100, 3).unwrap() - 10_000.0 / 3.0).abs() < 1e-9);
        assert_eq!(cpu_us_per_request(250, 100, 0), None);
        assert_eq!(cpu_us_per_request(250, 0, 10), None);
        assert_eq!(cpu_us_per_request(0, 100, 10), Some(0.0));
    }

    #[test]
    fn cpu_times_and_noise() {
        let before =
            "cpu  100 0 50 1000 0 0 0 0 0 0\ncpu0 60 0 30 500 10 2 3 1 0 0\ncpu1 40 0 20 500 0 0 0 0 0 0\n";
        let after =
            "cpu  300 0 80 1200 0 0 0 0 0 0\ncpu0 160 0 40 510 10 4 4 5 0 0\ncpu1 40 0 20 700 0 0 0 0 0 0\n";
        let b = parse_cpu_times(before, "cpu0").unwrap();
        assert_eq!(
            b,
            CpuTimes {
                busy: 95,
                idle: 510,
                steal: 1
            }
        );
        let a = parse_cpu_times(after, "cpu0").unwrap();
        assert_eq!(
            a,
            CpuTimes {
                busy: 208,
                idle: 520,
                steal: 5
            }
        );
        assert_eq!(parse_cpu_times(before, "cpu7"), None);
        // 113 busy ticks, the server used 100: 13 others + 4 steal over 127.
        let n = cpu_noise(b, a, 100).unwrap();
        assert!((n - 17.0 / 127.0).abs() < 1e-9, "{n}");
        // The server's ticks may exceed CPU 0's busy (sampling skew): 0, not negative.
        assert_eq!(cpu_noise(b, a, 500), Some(4.0 / 127.0));
        assert_eq!(cpu_noise(b, b, 0), None);
    }

    const OHA: &str = r#"{
      "summary": { "successRate": 1.0, "total": 3.0, "requestsPerSec": 13291.2, "totalData": 80116 },
      "latencyPercentiles": { "p10": 0.0002, "p50": 0.000658375, "p99": 0.023506849 },
      "statusCodeDistribution": { "200": 40000, "404": 10, "500": 5 },
      "errorDistribution": { "aborted due to deadline": 50, "connection closed before message completed": 3 }
    }"#;

    #[test]
    fn oha_json() {
        let r = parse_oha(OHA).unwrap();
        assert_eq!(r.responses, 40015);
        assert_eq!(r.ok, 40000);
        assert_eq!(r.non_2xx, 15);
        assert_eq!(r.errors, 3);
        assert_eq!(r.deadline_aborted, 50);
        assert_eq!(
            r.error_kinds,
            vec![("connection closed before message completed".to_string(), 3)]
        );
        assert!((r.rps().unwrap() - 40000.0 / 3.0).abs() < 1e-9);
        assert!((r.p50_ms.unwrap() - 0.658375).abs() < 1e-12);
        assert!((r.p99_ms.unwrap() - 23.506849).abs() < 1e-12);
    }

    #[test]
    fn oha_json_without_responses() {
        let r = parse_oha(r#"{"summary":{"total":0.0},"statusCodeDistribution":{},"errorDistribution":{"connection refused":7}}"#)
            .unwrap();
        assert_eq!((r.ok, r.errors), (0, 7));
        assert_eq!(r.rps(), None);
        assert_eq!(r.p50_ms, None);
        assert!(parse_oha("{}").is_err());
        assert!(parse_oha("Summary: ...").is_err());
    }

    #[test]
    fn wrk_pipeline_line() {
        let out = "Running 3s test @ http://127.0.0.1:1/\n  1 threads and 50 connections\nRequests/sec: 100\n\
                   HOWTH_WRK_JSON {\"requests\":300000,\"duration_us\":3000000,\"bytes\":1,\"errors\":{\"connect\":0,\"read\":2,\"write\":0,\"status\":10,\"timeout\":1},\"p50_us\":1500,\"p99_us\":0}\n";
        let r = parse_wrk_pipeline(out).unwrap();
        assert_eq!(r.responses, 300000);
        assert_eq!(r.ok, 299990);
        assert_eq!(r.non_2xx, 10);
        assert_eq!(r.errors, 3);
        assert_eq!(r.p50_ms, Some(1.5));
        assert_eq!(r.p99_ms, None);
        assert!((r.rps().unwrap() - 99_996.666_666_666_67).abs() < 1e-6);
        assert!(parse_wrk_pipeline("Requests/sec: 1\n").is_err());
    }

    #[test]
    fn pipeline_script_is_the_harness_one() {
        assert!(PIPELINE_LUA.contains("HOWTH_WRK_JSON"));
    }

    #[test]
    fn formatting() {
        assert_eq!(fmt_int(0.0), "0");
        assert_eq!(fmt_int(999.4), "999");
        assert_eq!(fmt_int(1000.0), "1,000");
        assert_eq!(fmt_int(81234.4), "81,234");
        assert_eq!(fmt_int(1027000.0), "1,027,000");
        assert_eq!(load_cpus(2), "1");
        assert_eq!(load_cpus(4), "1-3");
    }
}
