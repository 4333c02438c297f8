//! node:os's native half: what the kernel says about the machine, read from
//! /proc and /etc as libuv reads it (ts-lib/node/os.ts is the JS half).

use howth_engine::{CallArgs, ErrorKind, Isolate};
use serde_json::{json, Value as Json};

use crate::ops::host::return_value;
use crate::ops::host::HostValue;
use crate::RuntimeState;

pub fn register<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) {
    iso.set_op("osInfo", op_os_info::<X>);
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn first_line(path: &str) -> String {
    read(path).lines().next().unwrap_or("").trim().to_string()
}

/// A `/proc/meminfo` field in bytes.
fn meminfo(field: &str) -> f64 {
    read("/proc/meminfo")
        .lines()
        .find_map(|l| {
            let rest = l.strip_prefix(field)?.strip_prefix(':')?;
            rest.split_whitespace().next()?.parse::<f64>().ok()
        })
        .map(|kb| kb * 1024.0)
        .unwrap_or(0.0)
}

/// `[{model, speed, times: {user, nice, sys, idle, irq}}]`, per CPU.
fn cpus() -> Json {
    let info = read("/proc/cpuinfo");
    let mut models = Vec::new();
    let mut speeds = Vec::new();
    for line in info.lines() {
        if let Some((k, v)) = line.split_once(':') {
            match k.trim() {
                "model name" => models.push(v.trim().to_string()),
                "cpu MHz" => speeds.push(v.trim().parse::<f64>().map(|f| f.floor()).unwrap_or(0.0)),
                _ => {}
            }
        }
    }
    // Clock ticks are 1/100 s on Linux; Node reports milliseconds.
    let stat = read("/proc/stat");
    let mut out = Vec::new();
    for line in stat
        .lines()
        .filter(|l| l.starts_with("cpu") && !l.starts_with("cpu "))
    {
        let n: Vec<f64> = line
            .split_whitespace()
            .skip(1)
            .map(|v| v.parse::<f64>().unwrap_or(0.0) * 10.0)
            .collect();
        let i = out.len();
        let get = |k: usize| n.get(k).copied().unwrap_or(0.0);
        out.push(json!({
            "model": models.get(i).cloned().unwrap_or_default(),
            "speed": speeds.get(i).copied().unwrap_or(0.0),
            "times": { "user": get(0), "nice": get(1), "sys": get(2), "idle": get(3), "irq": get(5) },
        }));
    }
    Json::Array(out)
}

/// The running user, from /proc/self/status and /etc/passwd.
fn user_info() -> Json {
    let status = read("/proc/self/status");
    let id = |field: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|r| r.split_whitespace().next())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let (uid, gid) = (id("Uid:"), id("Gid:"));
    let passwd = read("/etc/passwd");
    let entry = passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() >= 7 && f[2].parse::<u64>().ok() == Some(uid))
            .then(|| (f[0].to_string(), f[5].to_string(), f[6].to_string()))
    });
    let (username, homedir, shell) = entry.unwrap_or_default();
    json!({ "uid": uid, "gid": gid, "username": username, "homedir": homedir, "shell": shell })
}

/// `osInfo(what)`.
fn op_os_info<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let what = args.string(0);
    let v = match what.as_str() {
        "hostname" => HostValue::String(first_line("/proc/sys/kernel/hostname")),
        "release" => HostValue::String(first_line("/proc/sys/kernel/osrelease")),
        "version" => HostValue::String(first_line("/proc/sys/kernel/version")),
        "totalmem" => HostValue::Number(meminfo("MemTotal")),
        "freemem" => HostValue::Number(meminfo("MemAvailable")),
        "loadavg" => {
            let l = first_line("/proc/loadavg");
            let v: Vec<f64> = l
                .split_whitespace()
                .take(3)
                .map(|x| x.parse().unwrap_or(0.0))
                .collect();
            HostValue::Json(Json::from(v))
        }
        "uptime" => {
            let l = first_line("/proc/uptime");
            HostValue::Number(
                l.split_whitespace()
                    .next()
                    .and_then(|x| x.parse::<f64>().ok())
                    .unwrap_or(0.0),
            )
        }
        "cpus" => HostValue::Json(cpus()),
        "userInfo" => HostValue::Json(user_info()),
        "parallelism" => {
            HostValue::Number(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) as f64)
        }
        _ => return args.throw(ErrorKind::TypeError, &format!("osInfo: unknown field {what:?}")),
    };
    return_value(&mut state.host.json, args, v);
}
