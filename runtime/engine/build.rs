//! Compiles shim.cc against the V8 headers that Debian's libnode-dev ships and
//! links libnode.so.108. Where they are, in order: $HOWTH_V8_DIR (a folder
//! holding usr/include/node and usr/lib/x86_64-linux-gnu), the system when
//! libnode.so is installed, else <workspace>/.deps/libnode (`make deps`).
use std::path::{Path, PathBuf};

const LIB_REL: &str = "usr/lib/x86_64-linux-gnu";

fn main() {
    println!("cargo:rerun-if-changed=shim.cc");
    println!("cargo:rerun-if-changed=promise_hooks.cc");
    println!("cargo:rerun-if-env-changed=HOWTH_V8_DIR");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let workspace_deps = manifest.join("../../.deps/libnode");
    let root = match std::env::var_os("HOWTH_V8_DIR") {
        Some(dir) => PathBuf::from(dir),
        // The system's /usr/include/node may belong to another Node.js (its
        // headers then describe a different V8): trust it only with libnode.so.
        None if Path::new("/usr/lib/x86_64-linux-gnu/libnode.so").exists()
            && Path::new("/usr/include/node/v8.h").exists() =>
        {
            PathBuf::from("/")
        }
        None => workspace_deps,
    };
    let include = root.join("usr/include/node");
    let libdir = root.join(LIB_REL);
    if !include.join("v8.h").exists() {
        panic!(
            "V8 headers not found under {}: run `make deps` (or set HOWTH_V8_DIR)",
            include.display()
        );
    }
    println!("cargo:rerun-if-changed={}", include.join("v8.h").display());
    cc::Build::new()
        .cpp(true)
        .file("shim.cc")
        .file("promise_hooks.cc")
        .include(&include)
        .flag("-std=c++17")
        .flag_if_supported("-Wno-unused-parameter")
        .flag_if_supported("-fno-rtti")
        .opt_level(2)
        .compile("howth_shim");
    let libdir = libdir.canonicalize().unwrap_or(libdir);
    println!("cargo:rustc-link-search=native={}", libdir.display());
    // libnode-dev provides the unversioned libnode.so; an unpacked libnode108
    // alone has only the soname, so link that by its full name.
    if libdir.join("libnode.so").exists() {
        println!("cargo:rustc-link-lib=dylib=node");
    } else {
        println!("cargo:rustc-link-lib=dylib:+verbatim=libnode.so.108");
    }
    println!("cargo:rustc-link-lib=dylib=stdc++");
    println!("cargo:libdir={}", libdir.display());
}
