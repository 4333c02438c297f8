//! node:fs's native half (ts-lib/node/fs.ts is the JS half).
//!
//! Every call is one function from its arguments to an [`Outcome`]: the
//! synchronous forms run it inline on the loop's thread (as Node does), the
//! callback and promise forms submit it to the worker pool (crate::pool).
//! A failure is an object ts-lib turns into Node's error: `code`, `errno`
//! (negative, as libuv reports it), `syscall`, `path`, `dest` and Node's
//! message, `ENOENT: no such file or directory, open '/x'`.
//!
//! Open files are kept in one process-wide table keyed by their descriptor
//! number, so JS sees the real fd and pool threads can use the file too.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use howth_engine::{CallArgs, ErrorKind, Isolate, Kind};
use serde_json::{json, Value as Json};

use crate::ops::host::{read_args, HostValue};
use crate::pool::Outcome;
use crate::RuntimeState;

type FsFn = fn(&[HostValue]) -> Outcome;

/// The calls `fsCall` knows, by the name ts-lib passes.
const CALLS: &[(&str, FsFn)] = &[
    ("readFile", read_file),
    ("writeFile", write_file),
    ("stat", stat),
    ("fstat", fstat),
    ("readdir", readdir),
    ("mkdir", mkdir),
    ("mkdtemp", mkdtemp),
    ("rmdir", rmdir),
    ("rm", rm),
    ("unlink", unlink),
    ("rename", rename),
    ("copyFile", copy_file),
    ("symlink", symlink),
    ("readlink", readlink),
    ("realpath", realpath),
    ("access", access),
    ("exists", exists),
    ("chmod", chmod),
    ("truncate", truncate),
    ("utimes", utimes),
    ("open", open),
    ("close", close),
    ("read", read),
    ("write", write),
    ("ftruncate", ftruncate),
    ("fsync", fsync),
    ("fdatasync", fdatasync),
    ("cp", cp),
];

pub fn register<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) {
    iso.set_op("fsCall", op_fs_call::<X>);
}

/// `fsCall(async, name, ...args)`: sync, runs the call and returns whether
/// it failed (the outcome waits in `poolResult`); async, returns the job id.
fn op_fs_call<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let is_async = args.bool(0);
    let name = if args.kind(1) == Kind::String {
        args.string(1)
    } else {
        String::new()
    };
    let Some(&(_, f)) = CALLS.iter().find(|(n, _)| *n == name) else {
        return args.throw(
            ErrorKind::TypeError,
            &format!("fsCall: no fs call named {name:?}"),
        );
    };
    let values = match read_args(args, 2, 0) {
        Ok(v) => v,
        Err(msg) => return args.throw(ErrorKind::TypeError, &format!("fs.{name}: {msg}")),
    };
    state.pool.run_or_submit(args, is_async, move || f(&values));
}

// ---- errors ----------------------------------------------------------------

/// libuv's code and description of an errno (Linux numbering).
fn describe(errno: i32) -> (&'static str, &'static str) {
    match errno {
        1 => ("EPERM", "operation not permitted"),
        2 => ("ENOENT", "no such file or directory"),
        3 => ("ESRCH", "no such process"),
        4 => ("EINTR", "interrupted system call"),
        5 => ("EIO", "i/o error"),
        9 => ("EBADF", "bad file descriptor"),
        11 => ("EAGAIN", "resource temporarily unavailable"),
        12 => ("ENOMEM", "not enough memory"),
        13 => ("EACCES", "permission denied"),
        16 => ("EBUSY", "resource busy or locked"),
        17 => ("EEXIST", "file already exists"),
        18 => ("EXDEV", "cross-device link not permitted"),
        20 => ("ENOTDIR", "not a directory"),
        21 => ("EISDIR", "illegal operation on a directory"),
        22 => ("EINVAL", "invalid argument"),
        23 => ("ENFILE", "file table overflow"),
        24 => ("EMFILE", "too many open files"),
        26 => ("ETXTBSY", "text file is busy"),
        27 => ("EFBIG", "file too large"),
        28 => ("ENOSPC", "no space left on device"),
        29 => ("ESPIPE", "invalid seek"),
        30 => ("EROFS", "read-only file system"),
        31 => ("EMLINK", "too many links"),
        32 => ("EPIPE", "broken pipe"),
        36 => ("ENAMETOOLONG", "name too long"),
        39 => ("ENOTEMPTY", "directory not empty"),
        40 => ("ELOOP", "too many symbolic links encountered"),
        95 => ("ENOTSUP", "operation not supported on socket"),
        _ => ("UNKNOWN", "unknown error"),
    }
}

/// A failed system call as the object ts-lib makes Node's error from.
fn sys_error(e: &io::Error, syscall: &str, path: Option<&str>, dest: Option<&str>) -> HostValue {
    let errno = e.raw_os_error().unwrap_or(match e.kind() {
        io::ErrorKind::NotFound => 2,
        io::ErrorKind::PermissionDenied => 13,
        io::ErrorKind::AlreadyExists => 17,
        _ => 22,
    });
    let (code, text) = describe(errno);
    let mut message = format!("{code}: {text}, {syscall}");
    if let Some(p) = path {
        message.push_str(&format!(" '{p}'"));
    }
    if let Some(d) = dest {
        message.push_str(&format!(" -> '{d}'"));
    }
    let mut o = json!({ "message": message, "errno": -errno, "code": code, "syscall": syscall });
    if let Some(p) = path {
        o["path"] = p.into();
    }
    if let Some(d) = dest {
        o["dest"] = d.into();
    }
    HostValue::Json(o)
}

/// A bad argument ts-lib let through (its own checks come first).
fn bad_arg(what: &str) -> HostValue {
    HostValue::Json(json!({ "message": format!("fs: bad argument: {what}"), "code": "ERR_INVALID_ARG_TYPE" }))
}

fn arg_str<'a>(args: &'a [HostValue], i: usize, what: &str) -> Result<&'a str, HostValue> {
    args.get(i)
        .and_then(HostValue::as_str)
        .ok_or_else(|| bad_arg(what))
}

fn arg_num(args: &[HostValue], i: usize) -> Option<f64> {
    args.get(i).and_then(HostValue::as_f64)
}

fn arg_bool(args: &[HostValue], i: usize) -> bool {
    args.get(i).and_then(HostValue::as_bool).unwrap_or(false)
}

// ---- whole files -------------------------------------------------------------

/// `readFile(path, utf8)`: the bytes, or a string when `utf8`.
fn read_file(args: &[HostValue]) -> Outcome {
    let mut bytes = Vec::new();
    if let Some(HostValue::Number(_)) = args.first() {
        // A descriptor: read from its position to the end, as Node does.
        let file = fd_file(args, "fstat")?;
        (&*file)
            .read_to_end(&mut bytes)
            .map_err(|e| sys_error(&e, "read", None, None))?;
    } else {
        let path = arg_str(args, 0, "path")?;
        let mut file = File::open(path).map_err(|e| sys_error(&e, "open", Some(path), None))?;
        bytes.reserve(file.metadata().map(|m| m.len() as usize).unwrap_or(0));
        file.read_to_end(&mut bytes)
            .map_err(|e| sys_error(&e, "read", None, None))?;
    }
    if arg_bool(args, 1) {
        Ok(HostValue::String(match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }))
    } else {
        Ok(HostValue::Bytes(bytes))
    }
}

/// Node's flag strings: what `open` does with the file.
fn open_options(flags: &str) -> Option<OpenOptions> {
    let mut o = OpenOptions::new();
    match flags {
        "r" | "rs" | "sr" => o.read(true),
        "r+" | "rs+" | "sr+" => o.read(true).write(true),
        "w" => o.write(true).create(true).truncate(true),
        "wx" | "xw" => o.write(true).create_new(true),
        "w+" => o.read(true).write(true).create(true).truncate(true),
        "wx+" | "xw+" => o.read(true).write(true).create_new(true),
        "a" | "as" | "sa" => o.append(true).create(true),
        "ax" | "xa" => o.append(true).create_new(true),
        "a+" | "as+" | "sa+" => o.read(true).append(true).create(true),
        "ax+" | "xa+" => o.read(true).append(true).create_new(true),
        _ => return None,
    };
    Some(o)
}

/// `writeFile(path, data, flags, mode)`.
fn write_file(args: &[HostValue]) -> Outcome {
    let data = args.get(1).and_then(HostValue::as_bytes).unwrap_or(b"");
    if let Some(HostValue::Number(_)) = args.first() {
        // A descriptor: write at its position, as Node does.
        let file = fd_file(args, "write")?;
        (&*file)
            .write_all(data)
            .map_err(|e| sys_error(&e, "write", None, None))?;
        return Ok(HostValue::Null);
    }
    let path = arg_str(args, 0, "path")?;
    let flags = args.get(2).and_then(HostValue::as_str).unwrap_or("w");
    let mut o = open_options(flags).ok_or_else(|| bad_arg("flags"))?;
    o.mode(arg_num(args, 3).unwrap_or(0o666.into()) as u32);
    let mut file = o
        .open(path)
        .map_err(|e| sys_error(&e, "open", Some(path), None))?;
    file.write_all(data)
        .map_err(|e| sys_error(&e, "write", None, None))?;
    Ok(HostValue::Null)
}

// ---- stats -------------------------------------------------------------------

fn time_parts(t: io::Result<SystemTime>) -> (f64, f64) {
    match t.ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()) {
        Some(d) => (d.as_secs() as f64, d.subsec_nanos() as f64),
        None => (0.0, 0.0),
    }
}

/// `[dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks,
/// atime s, ns, mtime s, ns, ctime s, ns, birthtime s, ns]`.
fn stat_array(m: &fs::Metadata) -> HostValue {
    let (birth_s, birth_ns) = time_parts(m.created());
    let v: Vec<f64> = vec![
        m.dev() as f64,
        m.mode() as f64,
        m.nlink() as f64,
        m.uid() as f64,
        m.gid() as f64,
        m.rdev() as f64,
        m.blksize() as f64,
        m.ino() as f64,
        m.size() as f64,
        m.blocks() as f64,
        m.atime() as f64,
        m.atime_nsec() as f64,
        m.mtime() as f64,
        m.mtime_nsec() as f64,
        m.ctime() as f64,
        m.ctime_nsec() as f64,
        birth_s,
        birth_ns,
    ];
    HostValue::Json(Json::from(v))
}

/// `stat(path, followLinks)`: stat or lstat.
fn stat(args: &[HostValue]) -> Outcome {
    let path = arg_str(args, 0, "path")?;
    let (m, syscall) = if arg_bool(args, 1) {
        (fs::metadata(path), "stat")
    } else {
        (fs::symlink_metadata(path), "lstat")
    };
    m.map(|m| stat_array(&m))
        .map_err(|e| sys_error(&e, syscall, Some(path), None))
}

fn fstat(args: &[HostValue]) -> Outcome {
    let file = fd_file(args, "fstat")?;
    file.metadata()
        .map(|m| stat_array(&m))
        .map_err(|e| sys_error(&e, "fstat", None, None))
}

// ---- directories -------------------------------------------------------------

/// Dirent type numbers ts-lib maps back: 1 file, 2 directory, 3 symlink,
/// 4 fifo, 5 socket, 6 character device, 7 block device, 0 unknown.
fn type_code(t: fs::FileType) -> u8 {
    use std::os::unix::fs::FileTypeExt;
    if t.is_file() {
        1
    } else if t.is_dir() {
        2
    } else if t.is_symlink() {
        3
    } else if t.is_fifo() {
        4
    } else if t.is_socket() {
        5
    } else if t.is_char_device() {
        6
    } else if t.is_block_device() {
        7
    } else {
        0
    }
}

/// `readdir(path, withTypes)`: names in bytewise order, or
/// `[name, type, ...]` flat when `withTypes`.
fn readdir(args: &[HostValue]) -> Outcome {
    let path = arg_str(args, 0, "path")?;
    let with_types = arg_bool(args, 1);
    let err = |e: io::Error| sys_error(&e, "scandir", Some(path), None);
    let mut entries = Vec::new();
    for entry in fs::read_dir(path).map_err(err)? {
        let entry = entry.map_err(err)?;
        let t = if with_types {
            entry.file_type().map(type_code).unwrap_or(0)
        } else {
            0
        };
        entries.push((entry.file_name().to_string_lossy().into_owned(), t));
    }
    // libuv's scandir sorts the names bytewise; so Node's order is that.
    entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut out = Vec::with_capacity(entries.len() * if with_types { 2 } else { 1 });
    for (name, t) in entries {
        out.push(Json::String(name));
        if with_types {
            out.push(Json::from(t));
        }
    }
    Ok(HostValue::Json(Json::Array(out)))
}

/// `mkdir(path, recursive, mode)`: with `recursive`, the first directory
/// it created (null when all existed), as Node returns.
fn mkdir(args: &[HostValue]) -> Outcome {
    let path = arg_str(args, 0, "path")?;
    let mode = arg_num(args, 2).unwrap_or(0o777.into()) as u32;
    if !arg_bool(args, 1) {
        return fs::DirBuilder::new()
            .mode(mode)
            .create(path)
            .map(|_| HostValue::Null)
            .map_err(|e| sys_error(&e, "mkdir", Some(path), None));
    }
    // The first missing ancestor is what Node reports as created.
    let mut first = None;
    let mut p = std::path::Path::new(path);
    loop {
        match fs::symlink_metadata(p) {
            Ok(m) if m.is_dir() => break,
            Ok(_) => {
                let e = io::Error::from_raw_os_error(if p == std::path::Path::new(path) { 17 } else { 20 });
                return Err(sys_error(&e, "mkdir", Some(path), None));
            }
            Err(_) => first = Some(p.to_path_buf()),
        }
        match p.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => p = parent,
            _ => break,
        }
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(mode)
        .create(path)
        .map_err(|e| sys_error(&e, "mkdir", Some(path), None))?;
    Ok(match first {
        Some(f) => HostValue::String(f.to_string_lossy().into_owned()),
        None => HostValue::Null,
    })
}

/// `mkdtemp(prefix)`: prefix plus six random characters, made 0700.
fn mkdtemp(args: &[HostValue]) -> Outcome {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let prefix = arg_str(args, 0, "prefix")?;
    for _ in 0..100 {
        let mut random = [0u8; 6];
        getrandom::getrandom(&mut random).map_err(|_| bad_arg("no randomness"))?;
        let suffix: String = random
            .iter()
            .map(|b| CHARS[*b as usize % CHARS.len()] as char)
            .collect();
        let path = format!("{prefix}{suffix}");
        match fs::DirBuilder::new().mode(0o700).create(&path) {
            Ok(()) => return Ok(HostValue::String(path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(sys_error(&e, "mkdtemp", Some(&format!("{prefix}XXXXXX")), None)),
        }
    }
    let e = io::Error::from_raw_os_error(17);
    Err(sys_error(&e, "mkdtemp", Some(&format!("{prefix}XXXXXX")), None))
}

fn rmdir(args: &[HostValue]) -> Outcome {
    let path = arg_str(args, 0, "path")?;
    if arg_bool(args, 1) {
        return remove_tree(path, false);
    }
    fs::remove_dir(path)
        .map(|_| HostValue::Null)
        .map_err(|e| sys_error(&e, "rmdir", Some(path), None))
}

/// `rm(path, recursive, force)`.
fn rm(args: &[HostValue]) -> Outcome {
    let path = arg_str(args, 0, "path")?;
    let (recursive, force) = (arg_bool(args, 1), arg_bool(args, 2));
    let m = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if force && e.kind() == io::ErrorKind::NotFound => return Ok(HostValue::Null),
        Err(e) => return Err(sys_error(&e, "lstat", Some(path), None)),
    };
    if m.is_dir() {
        if !recursive {
            return Err(system_error(
                "Path is a directory",
                "ERR_FS_EISDIR",
                "EISDIR",
                21,
                "rm",
                "is a directory",
                path,
            ));
        }
        return remove_tree(path, force);
    }
    fs::remove_file(path)
        .map(|_| HostValue::Null)
        .map_err(|e| sys_error(&e, "rm", Some(path), None))
}

fn remove_tree(path: &str, force: bool) -> Outcome {
    match fs::remove_dir_all(path) {
        Ok(()) => Ok(HostValue::Null),
        Err(e) if force && e.kind() == io::ErrorKind::NotFound => Ok(HostValue::Null),
        Err(e) => Err(sys_error(&e, "rm", Some(path), None)),
    }
}

// ---- names and links ------------------------------------------------------------

fn unlink(args: &[HostValue]) -> Outcome {
    let path = arg_str(args, 0, "path")?;
    fs::remove_file(path)
        .map(|_| HostValue::Null)
        .map_err(|e| sys_error(&e, "unlink", Some(path), None))
}

fn rename(args: &[HostValue]) -> Outcome {
    let (from, to) = (arg_str(args, 0, "oldPath")?, arg_str(args, 1, "newPath")?);
    fs::rename(from, to)
        .map(|_| HostValue::Null)
        .map_err(|e| sys_error(&e, "rename", Some(from), Some(to)))
}

/// `copyFile(src, dest, exclusive)`.
fn copy_file(args: &[HostValue]) -> Outcome {
    let (from, to) = (arg_str(args, 0, "src")?, arg_str(args, 1, "dest")?);
    let err = |e: io::Error| sys_error(&e, "copyfile", Some(from), Some(to));
    if arg_bool(args, 2) && fs::symlink_metadata(to).is_ok() {
        return Err(err(io::Error::from_raw_os_error(17)));
    }
    fs::copy(from, to).map(|_| HostValue::Null).map_err(err)
}

/// `symlink(target, path)`.
fn symlink(args: &[HostValue]) -> Outcome {
    let (target, path) = (arg_str(args, 0, "target")?, arg_str(args, 1, "path")?);
    std::os::unix::fs::symlink(target, path)
        .map(|_| HostValue::Null)
        .map_err(|e| sys_error(&e, "symlink", Some(target), Some(path)))
}

fn readlink(args: &[HostValue]) -> Outcome {
    let path = arg_str(args, 0, "path")?;
    fs::read_link(path)
        .map(|p| HostValue::String(p.to_string_lossy().into_owned()))
        .map_err(|e| sys_error(&e, "readlink", Some(path), None))
}

/// `realpath(path, syscall)`: Node's JS realpath reports `lstat`, the
/// native one `realpath`; ts-lib says which it stands for.
fn realpath(args: &[HostValue]) -> Outcome {
    let path = arg_str(args, 0, "path")?;
    let syscall = args.get(1).and_then(HostValue::as_str).unwrap_or("realpath");
    fs::canonicalize(path)
        .map(|p| HostValue::String(p.to_string_lossy().into_owned()))
        .map_err(|e| {
            if syscall != "lstat" {
                return sys_error(&e, syscall, Some(path), None);
            }
            // Node's JS realpath lstats each prefix and reports the first
            // that fails.
            let p = std::path::Path::new(path);
            let mut prefix = std::path::PathBuf::new();
            for part in p.components() {
                prefix.push(part);
                if let Err(e) = fs::symlink_metadata(&prefix) {
                    return sys_error(&e, "lstat", Some(&prefix.to_string_lossy()), None);
                }
            }
            sys_error(&e, "lstat", Some(path), None)
        })
}

/// `access(path, mode)`: mode is Node's F_OK/R_OK/W_OK/X_OK bits.
fn access(args: &[HostValue]) -> Outcome {
    let path = arg_str(args, 0, "path")?;
    let mode = arg_num(args, 1).unwrap_or(0.0) as u32;
    let mut access = rustix::fs::Access::EXISTS;
    if mode & 4 != 0 {
        access |= rustix::fs::Access::READ_OK;
    }
    if mode & 2 != 0 {
        access |= rustix::fs::Access::WRITE_OK;
    }
    if mode & 1 != 0 {
        access |= rustix::fs::Access::EXEC_OK;
    }
    rustix::fs::access(path, access)
        .map(|_| HostValue::Null)
        .map_err(|e| sys_error(&io::Error::from(e), "access", Some(path), None))
}

fn exists(args: &[HostValue]) -> Outcome {
    let ok = args
        .first()
        .and_then(HostValue::as_str)
        .is_some_and(|p| fs::metadata(p).is_ok());
    Ok(HostValue::Bool(ok))
}

fn chmod(args: &[HostValue]) -> Outcome {
    let path = arg_str(args, 0, "path")?;
    let mode = arg_num(args, 1).ok_or_else(|| bad_arg("mode"))? as u32;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map(|_| HostValue::Null)
        .map_err(|e| sys_error(&e, "chmod", Some(path), None))
}

fn truncate(args: &[HostValue]) -> Outcome {
    let path = arg_str(args, 0, "path")?;
    let len = arg_num(args, 1).unwrap_or(0.0).max(0.0) as u64;
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| sys_error(&e, "open", Some(path), None))?;
    file.set_len(len)
        .map(|_| HostValue::Null)
        .map_err(|e| sys_error(&e, "ftruncate", None, None))
}

/// `utimes(path, atime, mtime)`, times in seconds since the epoch.
fn utimes(args: &[HostValue]) -> Outcome {
    let path = arg_str(args, 0, "path")?;
    let at = |i| {
        let s = arg_num(args, i).unwrap_or(0.0).max(0.0);
        UNIX_EPOCH + Duration::from_secs_f64(s)
    };
    let times = fs::FileTimes::new().set_accessed(at(1)).set_modified(at(2));
    let err = |e: io::Error| sys_error(&e, "utime", Some(path), None);
    let file = File::open(path).map_err(err)?;
    file.set_times(times).map(|_| HostValue::Null).map_err(err)
}

// ---- descriptors ---------------------------------------------------------------

fn fd_table() -> &'static Mutex<HashMap<i32, Arc<File>>> {
    static FDS: OnceLock<Mutex<HashMap<i32, Arc<File>>>> = OnceLock::new();
    FDS.get_or_init(Default::default)
}

/// The open file of descriptor `args[0]`. The standard streams (0, 1, 2)
/// are duplicated (same open file, same offset) the first time they are used.
fn fd_file(args: &[HostValue], syscall: &str) -> Result<Arc<File>, HostValue> {
    use std::os::fd::AsFd;
    let fd = arg_num(args, 0).unwrap_or(-1.0) as i32;
    let mut table = fd_table().lock().unwrap_or_else(|p| p.into_inner());
    if let Some(file) = table.get(&fd) {
        return Ok(file.clone());
    }
    let bad = || sys_error(&io::Error::from_raw_os_error(9), syscall, None, None);
    let dup = match fd {
        0 => io::stdin().as_fd().try_clone_to_owned(),
        1 => io::stdout().as_fd().try_clone_to_owned(),
        2 => io::stderr().as_fd().try_clone_to_owned(),
        _ => return Err(bad()),
    };
    let file = Arc::new(File::from(dup.map_err(|_| bad())?));
    table.insert(fd, file.clone());
    Ok(file)
}

/// `open(path, flags, mode)`: the descriptor number.
fn open(args: &[HostValue]) -> Outcome {
    let path = arg_str(args, 0, "path")?;
    let flags = args.get(1).and_then(HostValue::as_str).unwrap_or("r");
    let mut o = open_options(flags).ok_or_else(|| bad_arg("flags"))?;
    o.mode(arg_num(args, 2).unwrap_or(0o666.into()) as u32);
    let file = o
        .open(path)
        .map_err(|e| sys_error(&e, "open", Some(path), None))?;
    let fd = file.as_raw_fd();
    fd_table()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(fd, Arc::new(file));
    Ok(HostValue::Number(fd.into()))
}

fn close(args: &[HostValue]) -> Outcome {
    let fd = arg_num(args, 0).unwrap_or(-1.0) as i32;
    let file = fd_table().lock().unwrap_or_else(|p| p.into_inner()).remove(&fd);
    match file {
        // The file closes when the last pool job using it lets go.
        Some(_) => Ok(HostValue::Null),
        None => Err(sys_error(&io::Error::from_raw_os_error(9), "close", None, None)),
    }
}

/// `read(fd, length, position)`: the bytes read (fewer at the end); from
/// the file's position when `position` is null.
fn read(args: &[HostValue]) -> Outcome {
    let file = fd_file(args, "read")?;
    let len = arg_num(args, 1).unwrap_or(0.0).max(0.0) as usize;
    let mut buf = vec![0u8; len];
    let n = match arg_num(args, 2).filter(|p| *p >= 0.0) {
        Some(pos) => file.read_at(&mut buf, pos as u64),
        None => (&*file).read(&mut buf),
    }
    .map_err(|e| sys_error(&e, "read", None, None))?;
    buf.truncate(n);
    Ok(HostValue::Bytes(buf))
}

/// `write(fd, data, position)`: the number of bytes written.
fn write(args: &[HostValue]) -> Outcome {
    let file = fd_file(args, "write")?;
    let data = args.get(1).and_then(HostValue::as_bytes).unwrap_or(b"");
    let n = match arg_num(args, 2).filter(|p| *p >= 0.0) {
        Some(pos) => file.write_at(data, pos as u64),
        None => (&*file).write(data),
    }
    .map_err(|e| sys_error(&e, "write", None, None))?;
    Ok(HostValue::Number(n as f64))
}

fn ftruncate(args: &[HostValue]) -> Outcome {
    let file = fd_file(args, "ftruncate")?;
    let len = arg_num(args, 1).unwrap_or(0.0).max(0.0) as u64;
    file.set_len(len)
        .map(|_| HostValue::Null)
        .map_err(|e| sys_error(&e, "ftruncate", None, None))
}

/// `fsync(fd)`: the file's data and metadata on the disk.
fn fsync(args: &[HostValue]) -> Outcome {
    let file = fd_file(args, "fsync")?;
    file.sync_all()
        .map(|_| HostValue::Null)
        .map_err(|e| sys_error(&e, "fsync", None, None))
}

/// `fdatasync(fd)`: the file's data (and the metadata needed to read it).
fn fdatasync(args: &[HostValue]) -> Outcome {
    let file = fd_file(args, "fdatasync")?;
    file.sync_data()
        .map(|_| HostValue::Null)
        .map_err(|e| sys_error(&e, "fdatasync", None, None))
}

// ---- cp ----------------------------------------------------------------------

/// Node's SystemError for cp and rm (`ERR_FS_EISDIR`, `ERR_FS_CP_EEXIST`,
/// ...): `{what}: {syscall} returned {code} ({detail}) {path}`.
fn system_error(
    what: &str,
    node_code: &str,
    code: &str,
    errno: i32,
    syscall: &str,
    detail: &str,
    path: &str,
) -> HostValue {
    HostValue::Json(json!({
        "message": format!("{what}: {syscall} returned {code} ({detail}) {path}"),
        "code": node_code,
        "errno": errno,
        "syscall": syscall,
        "path": path,
        "system": true,
        "info": { "code": code, "message": detail, "path": path, "syscall": syscall, "errno": errno },
    }))
}

/// `cp(src, dest, recursive, force, errorOnExist)`: files, directories
/// (with `recursive`) and symbolic links (copied as links).
fn cp(args: &[HostValue]) -> Outcome {
    let (src, dest) = (arg_str(args, 0, "src")?, arg_str(args, 1, "dest")?);
    let (recursive, force, error_on_exist) = (arg_bool(args, 2), arg_bool(args, 3), arg_bool(args, 4));
    let m = fs::symlink_metadata(src).map_err(|e| sys_error(&e, "lstat", Some(src), None))?;
    if m.is_dir() {
        if !recursive {
            let detail = format!("{src} is a directory (not copied)");
            return Err(system_error(
                "Path is a directory",
                "ERR_FS_EISDIR",
                "EISDIR",
                21,
                "cp",
                &detail,
                src,
            ));
        }
        let (s, d) = (std::path::Path::new(src), std::path::Path::new(dest));
        if d.starts_with(s) && d != s {
            let detail = format!("cannot copy {src} to a subdirectory of self {dest}");
            return Err(system_error(
                "Invalid src or dest",
                "ERR_FS_CP_EINVAL",
                "EINVAL",
                22,
                "cp",
                &detail,
                dest,
            ));
        }
    }
    copy_entry(
        std::path::Path::new(src),
        std::path::Path::new(dest),
        force,
        error_on_exist,
    )?;
    Ok(HostValue::Null)
}

fn copy_entry(
    src: &std::path::Path,
    dest: &std::path::Path,
    force: bool,
    error_on_exist: bool,
) -> Result<(), HostValue> {
    let shown = |p: &std::path::Path| p.to_string_lossy().into_owned();
    let m = fs::symlink_metadata(src).map_err(|e| sys_error(&e, "lstat", Some(&shown(src)), None))?;
    if m.is_dir() {
        match fs::create_dir(dest) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(sys_error(&e, "mkdir", Some(&shown(dest)), None)),
        }
        let entries = fs::read_dir(src).map_err(|e| sys_error(&e, "opendir", Some(&shown(src)), None))?;
        for entry in entries {
            let entry = entry.map_err(|e| sys_error(&e, "readdir", Some(&shown(src)), None))?;
            copy_entry(
                &entry.path(),
                &dest.join(entry.file_name()),
                force,
                error_on_exist,
            )?;
        }
        return Ok(());
    }
    if fs::symlink_metadata(dest).is_ok() {
        if !force {
            if error_on_exist {
                let d = shown(dest);
                let detail = format!("{d} already exists");
                return Err(system_error(
                    "Target already exists",
                    "ERR_FS_CP_EEXIST",
                    "EEXIST",
                    17,
                    "cp",
                    &detail,
                    &d,
                ));
            }
            return Ok(());
        }
        if m.file_type().is_symlink() {
            fs::remove_file(dest).map_err(|e| sys_error(&e, "unlink", Some(&shown(dest)), None))?;
        }
    }
    if m.file_type().is_symlink() {
        // As Node without verbatimSymlinks: the copy points where the
        // original resolves to, as an absolute path.
        let target = fs::read_link(src).map_err(|e| sys_error(&e, "readlink", Some(&shown(src)), None))?;
        let target = src.parent().map(|dir| dir.join(&target)).unwrap_or(target);
        return std::os::unix::fs::symlink(&target, dest)
            .map_err(|e| sys_error(&e, "symlink", Some(&target.to_string_lossy()), Some(&shown(dest))));
    }
    fs::copy(src, dest)
        .map(|_| ())
        .map_err(|e| sys_error(&e, "copyfile", Some(&shown(src)), Some(&shown(dest))))
}
