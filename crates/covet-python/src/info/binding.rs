//! `native_info()`: the build and CPU facts from `info` as a Python dict.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use super::{cpu_features, BUILD};
use covet_core::json::simd;

/// Describe this compiled extension: version, build profile, compiler, target triple,
/// PyO3 version, the Python ABI it was built for, the CPU features detected now, and the
/// vector level JSON uses.
#[pyfunction]
pub fn native_info(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let info = PyDict::new(py);
    info.set_item("version", BUILD.version)?;
    info.set_item("profile", BUILD.profile)?;
    info.set_item("cargo_profile", BUILD.cargo_profile)?;
    info.set_item("opt_level", BUILD.opt_level)?;
    info.set_item("debug_assertions", BUILD.debug_assertions)?;
    info.set_item("is_debug_build", BUILD.is_debug())?;
    info.set_item("rustc", BUILD.rustc)?;
    info.set_item("target", BUILD.target)?;
    info.set_item("pyo3", BUILD.pyo3)?;
    info.set_item("python_abi", BUILD.python_abi)?;
    info.set_item("free_threaded_build", BUILD.free_threaded)?;
    info.set_item("cpu_features", PyList::new(py, cpu_features())?)?;
    // The vector instructions JSON's text scans use (forced by COVET_RUST_CORE_SIMD), and
    // every level this CPU can run.
    info.set_item("json_simd", simd::level().name())?;
    let levels: Vec<&str> = simd::available()
        .into_iter()
        .map(simd::Level::name)
        .collect();
    info.set_item("json_simd_levels", PyList::new(py, levels)?)?;
    Ok(info)
}
