//! What the measurement reads from /proc: a server's CPU time and peak
//! memory over its whole process tree, and how busy a CPU was. The parsers
//! are pure (tested on captured text); the samplers read the live files.
use std::process::Command;

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

/// The value of a `Key:  value` line of /proc/PID/status.
fn status_field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k.trim() == key).then(|| v.trim())
    })
}

/// A `Key:   123 kB` line of /proc/PID/status, in kB.
pub fn parse_status_kb(text: &str, key: &str) -> Option<u64> {
    status_field(text, key)?.split_whitespace().next()?.parse().ok()
}

/// The one CPU a process may run on (`Cpus_allowed_list: 0` after
/// `taskset -c 0`), or None when it may run on several.
pub fn parse_only_cpu(status: &str) -> Option<usize> {
    status_field(status, "Cpus_allowed_list")?.parse().ok()
}

/// One CPU's line of /proc/stat, in ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuTimes {
    /// user + nice + system + irq + softirq (guest time is inside user).
    pub busy: u64,
    /// idle + iowait.
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

/// What else ran on the server's CPU while it was measured, as shares
/// (0..1) of the window: other processes, and the hypervisor (steal).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noise {
    pub other: f64,
    pub steal: f64,
}

impl Noise {
    /// Above 5% the figures of the run are noise as much as measurement.
    pub fn is_loud(&self) -> bool {
        self.other + self.steal > 0.05
    }
}

/// The noise on a CPU between two samples, the server having used
/// `server_ticks` of it. Tick rounding can make the server look busier than
/// its CPU: `other` is then 0, never negative.
pub fn cpu_noise(before: CpuTimes, after: CpuTimes, server_ticks: u64) -> Option<Noise> {
    let elapsed = after.total().checked_sub(before.total())?;
    if elapsed == 0 {
        return None;
    }
    let busy = after.busy.saturating_sub(before.busy);
    let share = |ticks: u64| (ticks as f64 / elapsed as f64).min(1.0);
    Some(Noise {
        other: share(busy.saturating_sub(server_ticks)),
        steal: share(after.steal.saturating_sub(before.steal)),
    })
}

/// Server CPU microseconds per successful request.
pub fn cpu_us_per_request(ticks: u64, clk_tck: u64, requests: u64) -> Option<f64> {
    if requests == 0 || clk_tck == 0 {
        return None;
    }
    Some(ticks as f64 / clk_tck as f64 * 1e6 / requests as f64)
}

// ---- live samples ---------------------------------------------------------------------

fn read_proc(pid: u32, file: &str) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/{file}")).ok()
}

/// Whether the process is still there (and not a zombie).
pub fn alive(pid: u32) -> bool {
    read_proc(pid, "stat")
        .and_then(|t| parse_proc_stat(&t).ok())
        .is_some_and(|s| s.state != 'Z' && s.state != 'X')
}

/// The pid and its descendants (through /proc/PID/task/TID/children).
pub fn process_tree(pid: u32) -> Vec<u32> {
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

/// CPU ticks used so far by the process tree of `pid`.
pub fn tree_ticks(pid: u32) -> u64 {
    process_tree(pid)
        .into_iter()
        .filter_map(|p| parse_proc_stat(&read_proc(p, "stat")?).ok())
        .map(|s| s.ticks())
        .sum()
}

/// Peak resident memory (VmHWM) of the process tree of `pid`, in kB.
pub fn tree_peak_rss_kb(pid: u32) -> Option<u64> {
    let kb: u64 = process_tree(pid)
        .into_iter()
        .filter_map(|p| parse_status_kb(&read_proc(p, "status")?, "VmHWM"))
        .sum();
    (kb > 0).then_some(kb)
}

/// Resets VmHWM over the tree so the peak is the run's, not startup's.
/// False when the kernel refused (the peak is then since start).
pub fn reset_peak_rss(pid: u32) -> bool {
    process_tree(pid)
        .into_iter()
        .all(|p| std::fs::write(format!("/proc/{p}/clear_refs"), "5").is_ok())
}

/// The one CPU the process is pinned to, if it is.
pub fn pinned_cpu(pid: u32) -> Option<usize> {
    parse_only_cpu(&read_proc(pid, "status")?)
}

/// The current times of `cpuN`.
pub fn cpu_times(cpu: usize) -> Option<CpuTimes> {
    parse_cpu_times(&std::fs::read_to_string("/proc/stat").ok()?, &format!("cpu{cpu}"))
}

/// Clock ticks per second, the unit of /proc's CPU times.
pub fn clk_tck() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .filter(|&t| t > 0)
        .unwrap_or(100)
}

/// The one-minute load average.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let lone = "7 ()) S 1 7 7 0 -1 0 0 0 0 0 1500 250 7 3 20 0 9 0 1 2 3";
        assert_eq!(parse_proc_stat(lone).unwrap().comm, ")");
        assert_eq!(parse_proc_stat(lone).unwrap().stime, 250);
    }

    #[test]
    fn proc_stat_malformed() {
        assert!(parse_proc_stat("").is_err());
        assert!(parse_proc_stat("garbage").is_err());
        assert!(parse_proc_stat("12 (x S 1").is_err());
        assert!(parse_proc_stat("12 (x) S 1 2 3").is_err());
        assert!(parse_proc_stat("12 (x) S 1 2 3 4 5 6 7 8 9 10 abc 1 1 1 1 1 1").is_err());
    }

    #[test]
    fn proc_files_of_this_process() {
        let me = std::process::id();
        let s = parse_proc_stat(&read_proc(me, "stat").unwrap()).unwrap();
        assert_eq!(s.pid, me);
        assert!(s.num_threads >= 1);
        assert!(alive(me));
        assert_eq!(process_tree(me)[0], me);
        let status = read_proc(me, "status").unwrap();
        let hwm = parse_status_kb(&status, "VmHWM").unwrap();
        let rss = parse_status_kb(&status, "VmRSS").unwrap();
        assert!(hwm >= rss && hwm > 1000, "VmHWM {hwm} kB, VmRSS {rss} kB");
        assert!(tree_peak_rss_kb(me).unwrap() >= hwm);
        assert!(cpu_times(0).is_some_and(|t| t.total() > 0));
    }

    #[test]
    fn proc_status_fields() {
        let text = "Name:\thowth\nVmPeak:\t  200000 kB\nVmHWM:\t   38912 kB\nVmRSS:\t   30000 kB\n\
                    Threads:\t1\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n";
        assert_eq!(parse_status_kb(text, "VmHWM"), Some(38912));
        assert_eq!(parse_status_kb(text, "VmRSS"), Some(30000));
        assert_eq!(parse_status_kb(text, "VmSwap"), None);
        assert_eq!(parse_only_cpu(text), Some(0));
        assert_eq!(parse_only_cpu("Cpus_allowed_list:\t3\n"), Some(3));
        assert_eq!(parse_only_cpu("Cpus_allowed_list:\t0-1\n"), None);
        assert_eq!(parse_only_cpu("Cpus_allowed_list:\t0,2\n"), None);
        assert_eq!(parse_only_cpu("Name:\tx\n"), None);
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
            "cpu  100 0 50 1000 0 0 0 0 0 0\ncpu0 60 0 30 500 10 2 3 1 0 0\ncpu1 40 0 20 500 0 0 0 0 0 0\nintr 1 2 3\n";
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
        // 127 ticks elapsed: 113 busy, the server used 100, so 13 were others'; 4 stolen.
        let n = cpu_noise(b, a, 100).unwrap();
        assert!((n.other - 13.0 / 127.0).abs() < 1e-9, "{n:?}");
        assert!((n.steal - 4.0 / 127.0).abs() < 1e-9, "{n:?}");
        assert!(n.is_loud());
        // The server's ticks may exceed its CPU's busy ones (sampling skew): 0, not negative.
        assert_eq!(cpu_noise(b, a, 500).unwrap().other, 0.0);
        assert_eq!(cpu_noise(b, b, 0), None);
        assert!(!Noise {
            other: 0.03,
            steal: 0.01
        }
        .is_loud());
    }
}
