//! One measured run: the load generator against a server process, with the
//! server's CPU time, peak memory and its CPU's noise sampled around it.
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::loadgen::{on_path, Load, LoadGen, LoadReport};
use super::procfs::{self, Noise};

/// Where the server and the load generator run: the server on CPU 0, the
/// load generator (and this process, which samples /proc now and then) on
/// the others; nothing is pinned on one core or without taskset.
pub struct Pinning {
    /// The prefix that pins a server command to CPU 0 (empty: not pinned).
    pub server: Vec<String>,
    /// The prefix that pins the load generator.
    pub load: Vec<String>,
    pub text: String,
    /// The load generator's CPUs.
    pub load_cpus: usize,
}

/// The CPUs for the load generator: "1" on two cores, "1-3" on four.
pub fn load_cpus(cores: usize) -> String {
    if cores <= 2 {
        "1".into()
    } else {
        format!("1-{}", cores - 1)
    }
}

impl Pinning {
    /// Decides the pinning for `cores` CPUs and moves this process off CPU 0.
    pub fn for_cores(cores: usize) -> Pinning {
        let none = |why: &str, load_cpus| Pinning {
            server: Vec::new(),
            load: Vec::new(),
            text: format!("none ({why})"),
            load_cpus,
        };
        if cores < 2 {
            return none("one CPU: server and load generator share it", 1);
        }
        let Some(taskset) = on_path("taskset") else {
            return none("taskset not found", cores - 1);
        };
        let taskset = taskset.display().to_string();
        let load = load_cpus(cores);
        let _ = Command::new(&taskset)
            .args(["-a", "-p", "-c", &load, &std::process::id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        Pinning {
            server: vec![taskset.clone(), "-c".into(), "0".into()],
            load: vec![taskset, "-c".into(), load.clone()],
            text: format!("server on CPU 0, load generator on CPU {load}"),
            load_cpus: cores - 1,
        }
    }
}

/// The figures of one run.
pub struct Run {
    pub report: LoadReport,
    /// The server's CPU ticks over the measured window (its process tree).
    pub ticks: u64,
    pub clk_tck: u64,
    pub wall_s: f64,
    /// What else ran on the server's CPU, when it is pinned to one.
    pub noise: Option<Noise>,
    /// Peak resident memory of the server's tree over warm-up and run.
    pub peak_rss_kb: Option<u64>,
    /// False when the peak could not be reset: it is then since start.
    pub rss_reset: bool,
    pub server_alive: bool,
    /// The load generator's own output.
    pub raw: String,
}

impl Run {
    /// Server CPU µs per successful request.
    pub fn cpu_us_per_request(&self) -> Option<f64> {
        procfs::cpu_us_per_request(self.ticks, self.clk_tck, self.report.ok)
    }

    /// Share of one core the server used.
    pub fn server_cpu(&self) -> Option<f64> {
        (self.wall_s > 0.0 && self.clk_tck > 0).then(|| self.ticks as f64 / self.clk_tck as f64 / self.wall_s)
    }

    /// Why the figures are not a valid result; empty when they are.
    pub fn problems(&self) -> Vec<String> {
        let r = &self.report;
        let mut problems = Vec::new();
        if r.errors > 0 {
            let kinds: Vec<String> = r
                .error_kinds
                .iter()
                .take(3)
                .map(|(k, n)| format!("{k}: {n}"))
                .collect();
            problems.push(format!("{} errors ({})", r.errors, kinds.join(", ")));
        }
        if r.non_2xx > 0 {
            problems.push(format!("{} non-2xx responses", r.non_2xx));
        }
        if r.ok == 0 {
            problems.push("no successful responses".into());
        }
        if !self.server_alive {
            problems.push("the server exited during the run".into());
        }
        problems
    }
}

/// Loads the server `pid` for `warmup` (discarded) and then `duration`.
/// `say` hears what is happening.
pub fn measure(
    gen: &LoadGen,
    load: &Load,
    pin: &Pinning,
    pid: u32,
    warmup: Duration,
    duration: Duration,
    say: &dyn Fn(String),
) -> Result<Run, String> {
    if !procfs::alive(pid) {
        return Err(format!("no server process {pid}"));
    }
    let rss_reset = procfs::reset_peak_rss(pid);
    let argv = |d| [pin.load.clone(), gen.argv(load, d)].concat();
    if !warmup.is_zero() {
        say(format!("  warm-up {:.1} s ...", warmup.as_secs_f64()));
        run_capture(&argv(warmup)).map_err(|e| format!("warm-up: {e}"))?;
        if !procfs::alive(pid) {
            return Err("the server exited during warm-up".into());
        }
    }
    say(format!("  measuring {:.1} s ...", duration.as_secs_f64()));
    let cpu = procfs::pinned_cpu(pid);
    let cpu_before = cpu.and_then(procfs::cpu_times);
    let ticks_before = procfs::tree_ticks(pid);
    let started = Instant::now();
    let out = run_capture(&argv(duration));
    let wall_s = started.elapsed().as_secs_f64();
    let ticks = procfs::tree_ticks(pid).saturating_sub(ticks_before);
    let cpu_after = cpu.and_then(procfs::cpu_times);
    let peak_rss_kb = procfs::tree_peak_rss_kb(pid);
    let server_alive = procfs::alive(pid);
    let raw = out?;
    let report = gen
        .parse(&raw)
        .map_err(|e| format!("cannot read {}'s output: {e}", gen.name()))?;
    let noise = match (cpu_before, cpu_after) {
        (Some(b), Some(a)) => procfs::cpu_noise(b, a, ticks),
        _ => None,
    };
    Ok(Run {
        report,
        ticks,
        clk_tck: procfs::clk_tck(),
        wall_s,
        noise,
        peak_rss_kb,
        rss_reset,
        server_alive,
        raw,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(report: LoadReport, alive: bool) -> Run {
        Run {
            report,
            ticks: 250,
            clk_tck: 100,
            wall_s: 5.0,
            noise: None,
            peak_rss_kb: None,
            rss_reset: true,
            server_alive: alive,
            raw: String::new(),
        }
    }

    #[test]
    fn figures_and_problems() {
        let clean = run(
            LoadReport {
                duration_s: 5.0,
                responses: 250_000,
                ok: 250_000,
                ..LoadReport::default()
            },
            true,
        );
        assert_eq!(clean.cpu_us_per_request(), Some(10.0));
        assert_eq!(clean.server_cpu(), Some(0.5));
        assert!(clean.problems().is_empty());

        let bad = run(
            LoadReport {
                duration_s: 5.0,
                responses: 3,
                non_2xx: 3,
                errors: 7,
                error_kinds: vec![("reset".into(), 4), ("closed".into(), 3)],
                ..LoadReport::default()
            },
            false,
        );
        assert_eq!(bad.cpu_us_per_request(), None);
        assert_eq!(
            bad.problems(),
            [
                "7 errors (reset: 4, closed: 3)",
                "3 non-2xx responses",
                "no successful responses",
                "the server exited during the run"
            ]
        );
    }

    #[test]
    fn load_generator_cpus() {
        assert_eq!(load_cpus(2), "1");
        assert_eq!(load_cpus(4), "1-3");
        let one = Pinning::for_cores(1);
        assert!(one.server.is_empty() && one.load.is_empty());
        assert!(one.text.starts_with("none"));
    }
}
