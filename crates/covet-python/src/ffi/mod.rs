//! Every raw CPython call of the extension, behind small typed wrappers: `pyo3::ffi` is named
//! in this folder and nowhere else (`grep -rn 'pyo3::ffi' crates/covet-python/src` lists only
//! files here). The bindings use these wrappers and pyo3's safe API.
//!
//! The rules every wrapper keeps, so that its callers need no `unsafe` for it:
//! - **Attached.** A wrapper that calls CPython takes a `Python<'py>` token, or a `Bound` or
//!   `Borrowed` (which carry one): the proof that the thread is attached to the interpreter.
//! - **Live objects.** Objects come in as `Bound` or `Borrowed`, whose lifetimes prove them
//!   alive. A wrapper that must take a raw pointer (what CPython hands a C entry point) is an
//!   `unsafe fn` that says what its caller guarantees; only `fastcall` has one.
//! - **Typed.** A wrapper that reads a type's layout (a float's value, an int's digits, a
//!   dict's size, a str's characters) takes that type (`Borrowed<PyFloat>`...), which a type
//!   check proved; a subclass shares its base's layout and is read as its base.
//! - **New references** come back as `Bound`, or as `Option<Bound>` where the caller leaves
//!   CPython's exception set for later (`loads`' sink); NULL never leaves this folder.
//! - **Containers.** An item read from a dict or a list is used without a reference of ours
//!   only while no Python code can run (the container's reference keeps it alive), and
//!   becomes a new reference before any can; on free-threaded builds it is read within the
//!   container's critical section (`containers`): user code that empties the container
//!   meanwhile cannot free what is being written.
//!
//! Where a wrapper's precondition cannot be expressed in its types (bytes that must be ASCII
//! for a compact ASCII `str`), it is an `unsafe fn` with a `# Safety` section.

pub mod buffer;
pub mod bytes;
pub mod collector;
pub mod containers;
pub mod datetime;
pub mod fastcall;
pub mod number;
pub mod object;
pub mod string;

/// A Rust length as CPython's `Py_ssize_t`: slices and allocations never exceed
/// `isize::MAX` bytes, so the conversion is exact.
#[allow(clippy::inline_always)]
#[inline(always)]
fn ssize(len: usize) -> pyo3::ffi::Py_ssize_t {
    #[allow(clippy::cast_possible_wrap)]
    let size = len as pyo3::ffi::Py_ssize_t;
    size
}

/// A length CPython reported (never negative for a live object) as a Rust length.
#[allow(clippy::inline_always)]
#[inline(always)]
fn usize_of(size: pyo3::ffi::Py_ssize_t) -> usize {
    usize::try_from(size).unwrap_or(0)
}

/// The object at `object`, a borrowed pointer CPython handed over (an item of a container),
/// for as long as the caller may use it.
///
/// # Safety
/// Attached; `object` points to a live object (so it is not NULL) that stays alive for 'a.
#[allow(clippy::inline_always)]
#[inline(always)]
unsafe fn borrowed_item<'a>(
    py: pyo3::Python<'_>,
    object: *mut pyo3::ffi::PyObject,
) -> pyo3::Borrowed<'a, '_, pyo3::PyAny> {
    // SAFETY: the caller's promise. Telling the compiler that the pointer is not NULL drops
    // the check (and the panic) `from_ptr` would have on every item of every container.
    unsafe {
        std::hint::assert_unchecked(!object.is_null());
        pyo3::Borrowed::from_ptr(py, object)
    }
}
