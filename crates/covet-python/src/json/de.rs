//! `loads`' sink: builds Python objects straight from the parser's events.
//!
//! Values wait on a stack until their container ends; the container is then created at its
//! final size (a list) and takes them over without touching their reference counts. Dict
//! keys of up to 64 ASCII bytes come from a small cache, so the keys repeated across the
//! objects of an API response are built once.

use std::sync::{Mutex, MutexGuard, TryLockError};

use pyo3::ffi;

use super::ffi::{ascii_str_equals, str_from_ascii, str_from_utf8};
use covet_core::json::parse::{Sink, SinkError, Text};

/// Keys longer than this are not cached: long keys are rarely repeated.
const CACHED_KEY_MAX_LEN: usize = 64;
/// Slots in the key cache (a power of two; a direct-mapped table, newest key wins a slot).
const KEY_CACHE_SLOTS: usize = 2048;

struct Slot {
    hash: u64,
    /// A compact ASCII `str` the cache holds a reference to, or NULL.
    key: *mut ffi::PyObject,
}

pub struct KeyCache {
    slots: Vec<Slot>,
    hasher: ahash::RandomState,
}

// SAFETY: the cached `str` objects are immutable and only touched with the lock held by a
// thread attached to the interpreter.
unsafe impl Send for KeyCache {}

static KEY_CACHE: Mutex<KeyCache> = Mutex::new(KeyCache {
    slots: Vec::new(),
    // Fixed seeds: the hashes never leave the process and only pick a slot.
    hasher: ahash::RandomState::with_seeds(0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344),
});

/// The cache for one `loads` call, or `None` when another thread is using it (on a
/// free-threaded build): that call then builds its keys itself rather than wait.
pub fn key_cache() -> Option<MutexGuard<'static, KeyCache>> {
    match KEY_CACHE.try_lock() {
        Ok(guard) => Some(guard),
        // A panic elsewhere cannot leave a slot half-written: recover the cache.
        Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
        Err(TryLockError::WouldBlock) => None,
    }
}

impl KeyCache {
    /// A new reference to the `str` for ASCII `bytes`, from the cache or created and cached.
    unsafe fn get(&mut self, bytes: &[u8]) -> *mut ffi::PyObject {
        if self.slots.is_empty() {
            self.slots = (0..KEY_CACHE_SLOTS)
                .map(|_| Slot {
                    hash: 0,
                    key: std::ptr::null_mut(),
                })
                .collect();
        }
        let hash = self.hasher.hash_one(bytes);
        // The mask keeps the index below KEY_CACHE_SLOTS.
        #[allow(clippy::cast_possible_truncation)]
        let slot = &mut self.slots[(hash as usize) & (KEY_CACHE_SLOTS - 1)];
        unsafe {
            if !slot.key.is_null() && slot.hash == hash && ascii_str_equals(slot.key, bytes) {
                ffi::Py_INCREF(slot.key);
                return slot.key;
            }
            let key = str_from_ascii(bytes);
            if key.is_null() {
                return key;
            }
            // Hash now, once: the str keeps it, so every dict it goes into reuses it.
            if ffi::PyObject_Hash(key) == -1 {
                ffi::Py_DECREF(key);
                return std::ptr::null_mut();
            }
            ffi::Py_XDECREF(slot.key);
            ffi::Py_INCREF(key);
            slot.key = key;
            slot.hash = hash;
            key
        }
    }
}

#[cfg(not(Py_3_14))]
extern "C" {
    // Exported by CPython 3.10 to 3.13 (checked with nm), not re-exported by pyo3-ffi: a
    // dict with room for `minused` items, so building it never resizes.
    fn _PyDict_NewPresized(minused: ffi::Py_ssize_t) -> *mut ffi::PyObject;
}

/// A new dict for `pairs` items.
unsafe fn new_dict(pairs: usize) -> *mut ffi::PyObject {
    #[cfg(not(Py_3_14))]
    {
        // Small dicts are presized by CPython anyway; the call only pays for larger ones.
        if pairs > 5 {
            if let Ok(pairs) = ffi::Py_ssize_t::try_from(pairs) {
                return unsafe { _PyDict_NewPresized(pairs) };
            }
        }
    }
    // 3.14 keeps the function internal: not relied on there.
    let _ = pairs;
    unsafe { ffi::PyDict_New() }
}

/// Builds Python objects; owns every reference on its stack until it hands out the root.
pub struct ObjectSink {
    stack: Vec<*mut ffi::PyObject>,
    cache: Option<MutexGuard<'static, KeyCache>>,
    /// Fail on the first object with a repeated key (JWT headers and payloads).
    reject_duplicates: bool,
    /// Set when a repeated key failed the parse; no Python exception is set then.
    pub duplicate: bool,
}

impl ObjectSink {
    /// Must be created and used while attached to the interpreter.
    pub fn new(cache: Option<MutexGuard<'static, KeyCache>>) -> Self {
        Self {
            stack: Vec::with_capacity(64),
            cache,
            reject_duplicates: false,
            duplicate: false,
        }
    }

    /// A sink that fails (with `duplicate` set) on an object with a repeated key.
    pub fn rejecting_duplicates(cache: Option<MutexGuard<'static, KeyCache>>) -> Self {
        let mut sink = Self::new(cache);
        sink.reject_duplicates = true;
        sink
    }

    /// The parsed document (a new reference); call once, after a successful parse.
    pub fn into_root(mut self) -> *mut ffi::PyObject {
        debug_assert_eq!(self.stack.len(), 1);
        self.stack.pop().unwrap_or(std::ptr::null_mut())
    }

    #[inline]
    fn push(&mut self, object: *mut ffi::PyObject) -> Result<(), SinkError> {
        if object.is_null() {
            // A Python exception (MemoryError, ValueError) is set.
            return Err(SinkError);
        }
        if self.stack.len() == self.stack.capacity() {
            self.grow(object)?;
        }
        self.stack.push(object);
        Ok(())
    }

    /// Room for one more object on the stack, which holds every item of the open containers:
    /// its size follows the input, so failing to grow is a MemoryError, not an abort.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, object: *mut ffi::PyObject) -> Result<(), SinkError> {
        if self.stack.try_reserve(1).is_ok() {
            return Ok(());
        }
        // SAFETY: attached; `object` is the new reference the caller was about to hand over.
        unsafe {
            ffi::Py_DECREF(object);
            ffi::PyErr_NoMemory();
        }
        Err(SinkError)
    }

    unsafe fn new_str(bytes: &[u8], text: Text) -> *mut ffi::PyObject {
        unsafe {
            match text {
                Text::Ascii => str_from_ascii(bytes),
                Text::Utf8 => str_from_utf8(bytes, false),
                Text::Wtf8 => str_from_utf8(bytes, true),
            }
        }
    }
}

impl Drop for ObjectSink {
    fn drop(&mut self) {
        for &object in &self.stack {
            // SAFETY: every pointer on the stack is a reference we own.
            unsafe { ffi::Py_DECREF(object) };
        }
    }
}

impl Sink for ObjectSink {
    #[inline]
    fn null(&mut self) -> Result<(), SinkError> {
        unsafe { self.push(ffi::Py_NewRef(ffi::Py_None())) }
    }

    #[inline]
    fn boolean(&mut self, value: bool) -> Result<(), SinkError> {
        unsafe {
            self.push(ffi::Py_NewRef(if value {
                ffi::Py_True()
            } else {
                ffi::Py_False()
            }))
        }
    }

    #[inline]
    fn int(&mut self, value: i64) -> Result<(), SinkError> {
        self.push(unsafe { ffi::PyLong_FromLongLong(value) })
    }

    fn big_int(&mut self, digits: &str) -> Result<(), SinkError> {
        // NUL-terminated for PyLong_FromString; as long as the literal, so fallible.
        let mut text: Vec<u8> = Vec::new();
        if text.try_reserve_exact(digits.len() + 1).is_err() {
            // SAFETY: attached to the interpreter.
            unsafe { ffi::PyErr_NoMemory() };
            return Err(SinkError);
        }
        text.extend_from_slice(digits.as_bytes());
        text.push(0);
        // Goes through CPython's int parsing, so its digit limit applies as in int().
        // SAFETY: `text` is NUL-terminated ASCII digits (with a sign), alive for the call.
        self.push(unsafe { ffi::PyLong_FromString(text.as_ptr().cast(), std::ptr::null_mut(), 10) })
    }

    #[inline]
    fn float(&mut self, value: f64) -> Result<(), SinkError> {
        self.push(unsafe { ffi::PyFloat_FromDouble(value) })
    }

    #[inline]
    fn string(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError> {
        self.push(unsafe { Self::new_str(bytes, text) })
    }

    #[inline]
    fn key(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError> {
        let key = match (&mut self.cache, text) {
            (Some(cache), Text::Ascii) if bytes.len() <= CACHED_KEY_MAX_LEN => unsafe {
                cache.get(bytes)
            },
            _ => unsafe { Self::new_str(bytes, text) },
        };
        self.push(key)
    }

    fn end_array(&mut self, len: usize) -> Result<(), SinkError> {
        let start = self.stack.len() - len;
        let list =
            unsafe { ffi::PyList_New(ffi::Py_ssize_t::try_from(len).map_err(|_| SinkError)?) };
        if list.is_null() {
            return Err(SinkError);
        }
        for (index, &item) in self.stack[start..].iter().enumerate() {
            // The list steals the reference the stack held; the index is below len.
            #[allow(clippy::cast_possible_wrap)]
            unsafe {
                ffi::PyList_SET_ITEM(list, index as ffi::Py_ssize_t, item);
            }
        }
        self.stack.truncate(start);
        self.stack.push(list);
        Ok(())
    }

    fn end_object(&mut self, pairs: usize) -> Result<(), SinkError> {
        let start = self.stack.len() - 2 * pairs;
        let dict = unsafe { new_dict(pairs) };
        if dict.is_null() {
            return Err(SinkError);
        }
        let mut failed = false;
        for pair in self.stack[start..].chunks_exact(2) {
            // Last value wins for a repeated key, at the first key's position (as in
            // dict(pairs), what the standard library builds).
            if !failed && unsafe { ffi::PyDict_SetItem(dict, pair[0], pair[1]) } != 0 {
                failed = true;
            }
            unsafe {
                ffi::Py_DECREF(pair[0]);
                ffi::Py_DECREF(pair[1]);
            }
        }
        self.stack.truncate(start);
        // A repeated key leaves the dict with fewer entries than pairs.
        if !failed
            && self.reject_duplicates
            && usize::try_from(unsafe { ffi::PyDict_Size(dict) }) != Ok(pairs)
        {
            self.duplicate = true;
            failed = true;
        }
        if failed {
            unsafe { ffi::Py_DECREF(dict) };
            return Err(SinkError);
        }
        self.stack.push(dict);
        Ok(())
    }
}
