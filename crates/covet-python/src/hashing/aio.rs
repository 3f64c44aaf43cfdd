//! The awaitable forms of the BLAKE3 one-shot functions (`covet_rust_core.aio`): arguments
//! checked on the calling thread exactly as the sync forms check them, hashing on a covet
//! worker thread (docs/AIO.md).

use std::path::Path;

use pyo3::exceptions::PyMemoryError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::binding::{
    blake3_file_pyfunction, blake3_one_shot_pyfunction, bytes_length, file_error, hex_str,
    mode_from, path_from, threads_from, Input,
};
use crate::aio::{offload, ready};
use crate::ffi::buffer::HeldBytes;
use covet_core::hashing::blake3::{self as core, FileHashError, Mode};
use covet_core::hashing::threads::Threads;

/// Below this much work (input or output bytes) the data is hashed inline on the loop. The
/// hand-off costs the loop ~40 us of CPU and the caller ~90 us of latency
/// (`benches/bench_aio.py`, "Inline threshold"); BLAKE3 hashes ~4 GB/s on one AVX2 core, so
/// offloading starts saving loop time at ~160 KiB and stops adding latency at ~360 KiB.
pub const AIO_INLINE_MAX_BYTES: usize = 256 * 1024;

/// Input bytes held for the duration of the work, readable without the GIL. Normally
/// released in the delivery (with the GIL); when a cancelled task is dropped on a worker
/// thread, releasing the export attaches there, which must not happen at exit.
struct HeldInput(HeldBytes);

impl Drop for HeldInput {
    fn drop(&mut self) {
        if let Some(owner) = self.0.release() {
            crate::aio::while_interpreter_lives(move || drop(owner));
        }
    }
}

impl HeldInput {
    fn new(input: Input<'_>) -> Self {
        Self(match input {
            Input::Bytes(bytes) => HeldBytes::of_bytes(bytes),
            Input::Buffer(buffer) => HeldBytes::of_export(buffer),
        })
    }

    fn as_slice(&self) -> &[u8] {
        self.0.as_slice()
    }
}

/// A digest computed off the loop, as bytes or hex text; it holds the input so that the
/// input is released in the delivery, with the GIL.
struct Digest {
    bytes: Result<Vec<u8>, std::collections::TryReserveError>,
    hex: bool,
    input: Option<HeldInput>,
}

impl<'py> IntoPyObject<'py> for Digest {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        drop(self.input);
        let bytes = self
            .bytes
            // As the sync form: CPython's bare MemoryError when the length cannot be allocated.
            .map_err(|_| PyMemoryError::new_err(()))?;
        if self.hex {
            Ok(hex_str(py, &bytes)?.into_any())
        } else {
            // PyBytes::new would panic when CPython cannot allocate; new_with returns the error.
            let digest = PyBytes::new_with(py, bytes.len(), |out| {
                out.copy_from_slice(&bytes);
                Ok(())
            })?;
            Ok(digest.into_any())
        }
    }
}

fn output(length: usize) -> Result<Vec<u8>, std::collections::TryReserveError> {
    let mut out = Vec::new();
    out.try_reserve_exact(length)?;
    out.resize(length, 0);
    Ok(out)
}

fn hash_held(
    input: &HeldInput,
    mode: &Mode,
    threads: Threads,
    seek: u64,
    length: usize,
) -> Result<Vec<u8>, std::collections::TryReserveError> {
    let mut out = output(length)?;
    core::hash_into(mode, input.as_slice(), threads, seek, &mut out);
    Ok(out)
}

#[allow(clippy::too_many_arguments)] // the sync form's keyword arguments, plus `hex`
fn digest_awaitable<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    length: usize,
    seek: u64,
    key: Option<&Bound<'py, PyAny>>,
    derive_key_context: Option<&Bound<'py, PyAny>>,
    max_threads: i64,
    hex: bool,
) -> PyResult<Bound<'py, PyAny>> {
    // The sync form's checks, in its order.
    let mode = mode_from(key, derive_key_context)?;
    let threads = threads_from(max_threads)?;
    let input = HeldInput::new(Input::extract(data)?);
    let length = bytes_length(length)?;
    if input.0.len().max(length) < AIO_INLINE_MAX_BYTES {
        let bytes = hash_held(&input, &mode, threads, seek, length);
        return ready(
            Digest {
                bytes,
                hex,
                input: Some(input),
            }
            .into_pyobject(py)?,
        );
    }
    offload(py, move || {
        let bytes = hash_held(&input, &mode, threads, seek, length);
        Digest {
            bytes,
            hex,
            input: Some(input),
        }
    })
}

blake3_one_shot_pyfunction! {
    /// Awaitable form of `blake3_digest`: an asyncio future of the running loop.
    blake3_digest -> Bound<'py, PyAny> =
        |py, data, length, seek, key, derive_key_context, max_threads| {
            digest_awaitable(py, data, length, seek, key, derive_key_context, max_threads, false)
        }
}

blake3_one_shot_pyfunction! {
    /// Awaitable form of `blake3_hexdigest`: an asyncio future of the running loop.
    blake3_hexdigest -> Bound<'py, PyAny> =
        |py, data, length, seek, key, derive_key_context, max_threads| {
            digest_awaitable(py, data, length, seek, key, derive_key_context, max_threads, true)
        }
}

/// A file digest computed off the loop, or the OSError naming the path.
struct FileDigest {
    outcome: Result<Result<Vec<u8>, std::collections::TryReserveError>, FileHashError>,
    path: Py<PyAny>,
}

impl<'py> IntoPyObject<'py> for FileDigest {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.outcome {
            Ok(bytes) => Digest {
                bytes,
                hex: false,
                input: None,
            }
            .into_pyobject(py),
            Err(err) => Err(file_error(py, &err, self.path.bind(py))),
        }
    }
}

fn hash_path(
    file: &Path,
    mode: &Mode,
    threads: Threads,
    seek: u64,
    length: usize,
) -> Result<Result<Vec<u8>, std::collections::TryReserveError>, FileHashError> {
    let mut out = match output(length) {
        Ok(out) => out,
        Err(err) => return Ok(Err(err)),
    };
    core::hash_file(file, mode, threads, seek, &mut out)?;
    Ok(Ok(out))
}

blake3_file_pyfunction! {
    /// Awaitable form of `blake3_file`: an asyncio future of the running loop. The file is
    /// opened, mapped (or read) and hashed on a covet worker thread.
    blake3_file -> Bound<'py, PyAny> =
        |py, path, max_threads, length, seek, key, derive_key_context| {
            let mode = mode_from(key, derive_key_context)?;
            let threads = threads_from(max_threads)?;
            let (file, name) = path_from(path)?;
            let length = bytes_length(length)?;
            let path = name.unbind();
            offload(py, move || FileDigest {
                outcome: hash_path(&file, &mode, threads, seek, length),
                path,
            })
        }
}
