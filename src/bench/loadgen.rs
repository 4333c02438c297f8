//! The load generators, oha and wrk: finding them, their command lines and
//! reading what they report, in one shape (`LoadReport`).
//!
//! oha reports JSON (`--output-format json`). wrk runs with benches/harness/
//! wrk.lua, whose `done()` prints one `HOWTH_WRK_JSON {...}` line; the script
//! also pipelines (N requests per round trip) and sends a method and body.
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// benches/harness/wrk.lua, written next to the run when wrk is used.
pub const WRK_LUA: &str = include_str!("../../benches/harness/wrk.lua");

/// Which program loads the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Tool {
    Oha,
    Wrk,
}

/// A load generator found on this machine.
pub struct LoadGen {
    pub tool: Tool,
    pub bin: PathBuf,
    /// wrk's script (written to a temporary folder).
    pub script: Option<PathBuf>,
}

/// A request generated per request by wrk.lua (the HttpArena-style profiles
/// of `make bench-arena`) instead of one fixed request; see wrk.lua.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mix {
    Baseline,
    Limited,
    Json,
    Upload,
}

impl Mix {
    /// The name wrk.lua knows the mix by.
    pub fn name(self) -> &'static str {
        match self {
            Mix::Baseline => "baseline",
            Mix::Limited => "limited",
            Mix::Json => "json",
            Mix::Upload => "upload",
        }
    }
}

/// What to send, how hard, for how long.
pub struct Load<'a> {
    pub url: &'a str,
    pub method: &'a str,
    pub content_type: Option<&'a str>,
    pub body_file: Option<&'a Path>,
    pub connections: u32,
    /// Requests per round trip on each connection (wrk only).
    pub pipeline: u32,
    /// The load generator's CPUs (wrk runs one thread on each).
    pub threads: usize,
    /// Generated requests instead of one fixed request (wrk only).
    pub mix: Option<Mix>,
}

impl LoadGen {
    pub fn name(&self) -> &'static str {
        match self.tool {
            Tool::Oha => "oha",
            Tool::Wrk => "wrk",
        }
    }

    /// "oha 1.4.5", "wrk 4.1.0".
    pub fn version(&self) -> String {
        let line = match self.tool {
            Tool::Oha => {
                first_line(&self.bin, "--version").map(|v| v.trim_start_matches("oha").trim().to_string())
            }
            // wrk prints "wrk debian/4.1.0-3 [epoll] ..." on -v.
            Tool::Wrk => first_line(&self.bin, "-v").and_then(|v| {
                let word = v.split_whitespace().nth(1)?;
                let version = word.rsplit('/').next()?;
                Some(version.split('-').next().unwrap_or(version).to_string())
            }),
        };
        format!("{} {}", self.name(), line.unwrap_or_default())
            .trim()
            .to_string()
    }

    /// The command line of one run of `d`.
    pub fn argv(&self, load: &Load, d: Duration) -> Vec<String> {
        let mut argv = vec![self.bin.display().to_string()];
        match self.tool {
            Tool::Oha => {
                argv.extend([
                    "-z".into(),
                    format!("{}ms", d.as_millis().max(1)),
                    "-c".into(),
                    load.connections.to_string(),
                    "--no-tui".into(),
                    "--output-format".into(),
                    "json".into(),
                ]);
                if load.method != "GET" {
                    argv.extend(["-m".into(), load.method.into()]);
                }
                if let Some(t) = load.content_type {
                    argv.extend(["-T".into(), t.into()]);
                }
                if let Some(f) = load.body_file {
                    argv.extend(["-D".into(), f.display().to_string()]);
                }
                argv.push(load.url.into());
            }
            Tool::Wrk => {
                let script = self.script.as_ref().expect("wrk runs with its script");
                argv.extend([
                    "-t".into(),
                    wrk_threads(load.connections, load.threads).to_string(),
                    "-c".into(),
                    load.connections.to_string(),
                    // wrk takes whole seconds.
                    "-d".into(),
                    format!("{}s", d.as_secs_f64().ceil().max(1.0)),
                    "-s".into(),
                    script.display().to_string(),
                    load.url.into(),
                    "--".into(),
                    load.pipeline.to_string(),
                    load.method.into(),
                    load.content_type.unwrap_or("").into(),
                    load.body_file
                        .map_or_else(String::new, |f| f.display().to_string()),
                ]);
                if let Some(mix) = load.mix {
                    argv.push(mix.name().into());
                }
            }
        }
        argv
    }

    /// Reads the report of one run from the tool's standard output.
    pub fn parse(&self, stdout: &str) -> Result<LoadReport, String> {
        match self.tool {
            Tool::Oha => parse_oha(stdout),
            Tool::Wrk => parse_wrk(stdout),
        }
    }
}

/// wrk threads for `connections` with at most `cpus` (the load generator's
/// CPUs): wrk gives each thread connections ÷ threads, rounded down, so a
/// divisor of the connections opens them all. One on a 2-core machine.
pub fn wrk_threads(connections: u32, cpus: usize) -> u32 {
    let most = (cpus.max(1) as u32).min(connections.max(1));
    (1..=most)
        .rev()
        .find(|t| connections.is_multiple_of(*t))
        .unwrap_or(1)
}

/// Finds `tool`: `given` if set, else $PATH, else `.bench-tools/bin/` of
/// the repository (next to the binary's target/ folder, the current
/// folder, or where it was built), where `make bench` installs oha.
pub fn find(tool: Tool, given: Option<&Path>, howth: &Path) -> Result<PathBuf, String> {
    let name = match tool {
        Tool::Oha => "oha",
        Tool::Wrk => "wrk",
    };
    if let Some(p) = given {
        return if is_executable(p) {
            Ok(p.to_path_buf())
        } else {
            Err(format!("{} is not an executable", p.display()))
        };
    }
    if let Some(p) = on_path(name) {
        return Ok(p);
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
    if let Some(p) = roots
        .into_iter()
        .map(|r| r.join(".bench-tools/bin").join(name))
        .find(|p| is_executable(p))
    {
        return Ok(p);
    }
    Err(match tool {
        Tool::Oha => "oha not found (looked in $PATH and .bench-tools/bin/): install it with \
                      `cargo install oha --locked` (or `cargo install oha --locked --root .bench-tools` \
                      in the repository, where `make bench` puts it), or use --load wrk"
            .into(),
        Tool::Wrk => "wrk not found: install it with `apt-get install wrk`".into(),
    })
}

pub fn on_path(cmd: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(cmd))
        .find(|p| is_executable(p))
}

pub fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The first line a command prints (stdout, then stderr: wrk prints its
/// version on stderr).
pub fn first_line(cmd: &Path, arg: &str) -> Option<String> {
    let out = Command::new(cmd).arg(arg).stdin(Stdio::null()).output().ok()?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines().next().map(|l| l.trim().to_string())
}

// ---- reports ---------------------------------------------------------------------------

/// What oha or wrk reported.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoadReport {
    pub duration_s: f64,
    /// Every response received.
    pub responses: u64,
    /// 2xx responses (wrk: status below 400; the scenarios never redirect).
    pub ok: u64,
    pub non_2xx: u64,
    /// Connection and protocol errors. Requests oha cut off at the deadline
    /// are not errors: they are in `deadline_aborted`. wrk stops without
    /// failing the requests in flight, and counts an answer slower than
    /// 2 s as a timeout error.
    pub errors: u64,
    pub error_kinds: Vec<(String, u64)>,
    pub deadline_aborted: u64,
    /// Responses by status (oha only: wrk does not break them down).
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

/// Parses the `HOWTH_WRK_JSON {...}` line wrk.lua's done() prints.
pub fn parse_wrk(stdout: &str) -> Result<LoadReport, String> {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("HOWTH_WRK_JSON "))
        .ok_or("no HOWTH_WRK_JSON line in wrk's output (is benches/harness/wrk.lua the script?)")?;
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

#[cfg(test)]
mod tests {
    //! On real output captured from oha 1.16 and wrk 4.1 (with the harness's
    //! script) against a Node server on this kind of machine: a clean run,
    //! a POST echo, 404s, and connections refused.
    use super::*;

    const OHA_HELLO: &str = include_str!("fixtures/oha-node-hello.json");
    const OHA_ECHO: &str = include_str!("fixtures/oha-node-echo.json");
    const OHA_404: &str = include_str!("fixtures/oha-node-404.json");
    const OHA_REFUSED: &str = include_str!("fixtures/oha-refused.json");
    const WRK_HELLO: &str = include_str!("fixtures/wrk-pipeline-node.txt");
    const WRK_404: &str = include_str!("fixtures/wrk-pipeline-404.txt");

    fn json(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn oha_clean_run() {
        let j = json(OHA_HELLO);
        let r = parse_oha(OHA_HELLO).unwrap();
        let ok = j["statusCodeDistribution"]["200"].as_u64().unwrap();
        assert!(ok > 1000);
        assert_eq!((r.responses, r.ok, r.non_2xx), (ok, ok, 0));
        assert_eq!(r.errors, 0, "deadline aborts are not errors");
        let aborted = j["errorDistribution"]["aborted due to deadline"]
            .as_u64()
            .unwrap();
        assert!(aborted > 0);
        assert_eq!(r.deadline_aborted, aborted);
        assert_eq!(r.duration_s, j["summary"]["total"].as_f64().unwrap());
        assert!((r.rps().unwrap() - ok as f64 / r.duration_s).abs() < 1e-9);
        assert_eq!(
            r.p50_ms,
            Some(j["latencyPercentiles"]["p50"].as_f64().unwrap() * 1000.0)
        );
        assert_eq!(
            r.p99_ms,
            Some(j["latencyPercentiles"]["p99"].as_f64().unwrap() * 1000.0)
        );
        let (p50, p99) = (r.p50_ms.unwrap(), r.p99_ms.unwrap());
        assert!(p50 <= p99);
        assert!(p99 <= j["summary"]["slowest"].as_f64().unwrap() * 1000.0);
        assert!(p50 >= j["summary"]["fastest"].as_f64().unwrap() * 1000.0);
    }

    #[test]
    fn oha_echo_run() {
        let r = parse_oha(OHA_ECHO).unwrap();
        assert_eq!((r.ok, r.errors), (200, 0));
        assert_eq!(json(OHA_ECHO)["summary"]["totalData"], 200 * 16384);
    }

    #[test]
    fn oha_non_2xx() {
        let r = parse_oha(OHA_404).unwrap();
        assert!(r.responses > 0);
        assert_eq!((r.ok, r.non_2xx), (0, r.responses));
        assert_eq!(r.status_codes, vec![("404".to_string(), r.responses)]);
        assert_eq!(r.rps(), Some(0.0));
    }

    #[test]
    fn oha_connection_errors() {
        let r = parse_oha(OHA_REFUSED).unwrap();
        let refused = json(OHA_REFUSED)["errorDistribution"]["Connection refused (os error 111)"]
            .as_u64()
            .unwrap();
        assert_eq!((r.responses, r.errors), (0, refused));
        assert_eq!(
            r.error_kinds,
            vec![("Connection refused (os error 111)".to_string(), refused)]
        );
        assert_eq!(r.p50_ms, None, "no latency without responses");
    }

    #[test]
    fn oha_error_kinds_and_bad_output() {
        let r = parse_oha(
            r#"{"summary":{"total":2.0},"statusCodeDistribution":{"200":10,"500":2},
                "errorDistribution":{"aborted due to deadline":4,"reset":1,"closed":3}}"#,
        )
        .unwrap();
        assert_eq!((r.ok, r.non_2xx, r.errors, r.deadline_aborted), (10, 2, 4, 4));
        assert_eq!(r.error_kinds[0], ("closed".to_string(), 3), "most frequent first");
        assert_eq!(r.rps(), Some(5.0));
        assert!(parse_oha("{}").unwrap_err().contains("not oha JSON"));
        assert!(parse_oha("Error: connection refused")
            .unwrap_err()
            .contains("not JSON"));
    }

    #[test]
    fn wrk_summary_line() {
        let r = parse_wrk(WRK_HELLO).unwrap();
        assert_eq!((r.responses, r.ok, r.errors, r.non_2xx), (17449, 17449, 0, 0));
        assert_eq!(r.duration_s, 1.096243);
        // wrk's own figure on the same run ("Requests/sec: 15917.09").
        assert!((r.rps().unwrap() - 15917.09).abs() / 15917.09 < 0.01);
        assert_eq!(r.p50_ms, Some(4.622));
        assert_eq!(
            r.p99_ms, None,
            "wrk answered 0 for p99: no figure rather than a false 0"
        );
    }

    #[test]
    fn wrk_non_2xx_and_errors() {
        let r = parse_wrk(WRK_404).unwrap();
        assert_eq!((r.non_2xx, r.ok), (13566, 0));
        assert_eq!(r.rps(), Some(0.0));
        let out = "HOWTH_WRK_JSON {\"requests\":300000,\"duration_us\":3000000,\"bytes\":1,\"errors\":{\"connect\":0,\"read\":2,\"write\":0,\"status\":10,\"timeout\":1},\"p50_us\":1500,\"p99_us\":0}\n";
        let r = parse_wrk(out).unwrap();
        assert_eq!((r.ok, r.non_2xx, r.errors), (299990, 10, 3));
        assert_eq!(
            r.error_kinds,
            vec![("read".to_string(), 2), ("timeout".to_string(), 1)]
        );
        assert!(parse_wrk("Running 1s test\n")
            .unwrap_err()
            .contains("HOWTH_WRK_JSON"));
    }

    #[test]
    fn wrk_threads_divide_the_connections() {
        assert_eq!(
            wrk_threads(50, 1),
            1,
            "one core for the load generator: one thread"
        );
        assert_eq!(wrk_threads(1000, 3), 2);
        assert_eq!(wrk_threads(200, 4), 4);
        assert_eq!(wrk_threads(7, 3), 1);
        assert_eq!(wrk_threads(2, 8), 2, "never more threads than connections");
    }

    #[test]
    fn command_lines() {
        let load = Load {
            url: "http://127.0.0.1:9/echo",
            method: "POST",
            content_type: Some("application/octet-stream"),
            body_file: Some(Path::new("/tmp/b.bin")),
            connections: 1000,
            pipeline: 1,
            threads: 3,
            mix: None,
        };
        let oha = LoadGen {
            tool: Tool::Oha,
            bin: "/x/oha".into(),
            script: None,
        };
        assert_eq!(
            oha.argv(&load, Duration::from_millis(2500)).join(" "),
            "/x/oha -z 2500ms -c 1000 --no-tui --output-format json -m POST \
             -T application/octet-stream -D /tmp/b.bin http://127.0.0.1:9/echo"
        );
        let wrk = LoadGen {
            tool: Tool::Wrk,
            bin: "/x/wrk".into(),
            script: Some("/t/wrk.lua".into()),
        };
        assert_eq!(
            wrk.argv(&load, Duration::from_millis(2500)).join(" "),
            "/x/wrk -t 2 -c 1000 -d 3s -s /t/wrk.lua http://127.0.0.1:9/echo -- 1 POST \
             application/octet-stream /tmp/b.bin"
        );
        let mixed = Load {
            url: "http://127.0.0.1:9/",
            method: "GET",
            content_type: None,
            body_file: None,
            connections: 50,
            pipeline: 1,
            threads: 1,
            mix: Some(Mix::Limited),
        };
        assert_eq!(
            wrk.argv(&mixed, Duration::from_secs(5)).join(" "),
            "/x/wrk -t 1 -c 50 -d 5s -s /t/wrk.lua http://127.0.0.1:9/ -- 1 GET   limited"
        );
        assert!(WRK_LUA.contains("HOWTH_WRK_JSON"));
        for mix in [Mix::Baseline, Mix::Limited, Mix::Json, Mix::Upload] {
            assert!(
                WRK_LUA.contains(&format!("  {} = function()", mix.name())),
                "{mix:?}"
            );
        }
    }
}
