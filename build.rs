//! Records the facts `native_info()` reports about how this extension was built:
//! compiler, target, profile, `PyO3` version and the Python ABI it targets.
//! They are baked in at compile time because none of them can be recovered at run time.

use std::env;
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
    emit(
        "COVET_BUILD_OPT_LEVEL",
        &env::var("OPT_LEVEL").unwrap_or_default(),
    );

    // e.g. "CPython-version_specific-3.11" or "CPython-abi3-3.10".
    emit(
        "COVET_BUILD_PYTHON_ABI",
        &pyo3_build_config::get().target_abi().to_string(),
    );

    emit(
        "COVET_BUILD_PYO3",
        &locked_version("pyo3").unwrap_or_else(|| "unknown".to_owned()),
    );
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=build.rs");
}

fn emit(name: &str, value: &str) {
    println!("cargo:rustc-env={name}={value}");
}

/// The version of `package` that Cargo.lock pins (Cargo.lock ships in the sdist).
fn locked_version(package: &str) -> Option<String> {
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").ok()?;
    let lock = std::fs::read_to_string(format!("{manifest_dir}/Cargo.lock")).ok()?;
    let needle = format!("name = \"{package}\"\n");
    let after_name = &lock[lock.find(&needle)? + needle.len()..];
    let version_line = after_name.lines().next()?;
    version_line
        .strip_prefix("version = \"")?
        .strip_suffix('"')
        .map(str::to_owned)
}
