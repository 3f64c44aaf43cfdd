//! Records the facts `native_info()` reports about how this extension was built:
//! compiler, target, profile, `PyO3` version and the Python ABI it targets.
//! They are baked in at compile time because none of them can be recovered at run time.

use std::env;
use std::path::Path;
use std::process::Command;

fn main() {
    pyo3_build_config::use_pyo3_cfgs();

    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let rustc_version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map_or_else(|| "unknown".to_owned(), |v| v.trim().to_owned());
    emit("COVET_BUILD_RUSTC", &rustc_version);

    emit(
        "COVET_BUILD_TARGET",
        &env::var("TARGET").unwrap_or_default(),
    );
    emit(
        "COVET_BUILD_PROFILE",
        &env::var("PROFILE").unwrap_or_default(),
    );
    // The profile's own name (release, quick-release, dev, ...), which PROFILE does not give:
    // it is the folder cargo builds into, target/[<triple>/]<profile>/build/<crate>-<hash>/out.
    let cargo_profile = env::var("OUT_DIR")
        .ok()
        .and_then(|out| {
            Path::new(&out)
                .ancestors()
                .nth(3)
                .and_then(Path::file_name)
                .map(|name| name.to_string_lossy().into_owned())
        })
        .map(|name| {
            if name == "debug" {
                "dev".to_owned()
            } else {
                name
            }
        })
        .unwrap_or_default();
    emit("COVET_BUILD_CARGO_PROFILE", &cargo_profile);
    emit(
        "COVET_BUILD_OPT_LEVEL",
        &env::var("OPT_LEVEL").unwrap_or_default(),
    );

    // e.g. "CPython-version_specific-3.11" or "CPython-abi3-3.10".
    emit(
        "COVET_BUILD_PYTHON_ABI",
        &pyo3_build_config::get().target_abi().to_string(),
    );

    // The workspace's Cargo.lock, two folders up (in the sdist too: maturin keeps the layout).
    let lock = env::var("CARGO_MANIFEST_DIR").ok().and_then(|dir| {
        Path::new(&dir)
            .ancestors()
            .map(|folder| folder.join("Cargo.lock"))
            .find(|lock| lock.is_file())
    });
    emit(
        "COVET_BUILD_PYO3",
        &lock
            .as_deref()
            .and_then(|lock| locked_version(lock, "pyo3"))
            .unwrap_or_else(|| "unknown".to_owned()),
    );
    if let Some(lock) = &lock {
        println!("cargo:rerun-if-changed={}", lock.display());
    }
    println!("cargo:rerun-if-changed=build.rs");
}

fn emit(name: &str, value: &str) {
    println!("cargo:rustc-env={name}={value}");
}

/// The version of `package` that Cargo.lock pins (Cargo.lock ships in the sdist).
fn locked_version(lock: &Path, package: &str) -> Option<String> {
    let lock = std::fs::read_to_string(lock).ok()?;
    let needle = format!("name = \"{package}\"\n");
    let after_name = &lock[lock.find(&needle)? + needle.len()..];
    let version_line = after_name.lines().next()?;
    version_line
        .strip_prefix("version = \"")?
        .strip_suffix('"')
        .map(str::to_owned)
}
