//! `loads`' sink: builds Python objects straight from the parser's events.
//!
//! Values wait on a stack until their container ends; the container is then created at its
//! final size (a list) and takes them over without touching their reference counts. Dict
//! keys of up to 64 ASCII bytes come from a small cache, so the keys repeated across the
//! objects of an API response are built once.
//!
//! A failed step leaves its Python exception set (MemoryError, CPython's int digit limit)
//! and reports `SinkError`; the binding takes the exception afterwards.

use std::ffi::CStr;
use std::sync::{Mutex, MutexGuard, TryLockError};

use covet_core::json::parse::{Sink, SinkError, Text};
use pyo3::prelude::*;

use crate::ffi::containers::{dict_len, dict_set, new_dict, new_list};
use crate::ffi::number::{new_float, new_int, new_int_from_digits};
use crate::ffi::object::{boolean, none, set_memory_error};
use crate::ffi::string::{decode_utf8, new_ascii, CachedStr, Errors};

/// Keys longer than this are not cached: long keys are rarely repeated.
const CACHED_KEY_MAX_LEN: usize = 64;
/// Slots in the key cache (a power of two; a direct-mapped table, newest key wins a slot).
const KEY_CACHE_SLOTS: usize = 2048;

struct Slot {
    hash: u64,
    key: Option<CachedStr>,
}

pub struct KeyCache {
    slots: Vec<Slot>,
    hasher: ahash::RandomState,
}

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
    /// A new reference to the `str` for `bytes`, from the cache or created and cached.
    ///
    /// # Safety
    /// `bytes` is ASCII.
    unsafe fn get<'py>(&mut self, py: Python<'py>, bytes: &[u8]) -> Option<Bound<'py, PyAny>> {
        if self.slots.is_empty() {
            self.slots = (0..KEY_CACHE_SLOTS)
                .map(|_| Slot { hash: 0, key: None })
                .collect();
        }
        let hash = self.hasher.hash_one(bytes);
        // The mask keeps the index below KEY_CACHE_SLOTS.
        #[allow(clippy::cast_possible_truncation)]
        let slot = &mut self.slots[(hash as usize) & (KEY_CACHE_SLOTS - 1)];
        if let Some(key) = &slot.key {
            if slot.hash == hash && key.equals(bytes) {
                return Some(key.bind(py));
            }
        }
        // SAFETY: the caller's promise.
        let (cached, key) = unsafe { CachedStr::new(py, bytes) }?;
        if let Some(old) = slot.key.replace(cached) {
            old.release(py);
        }
        slot.hash = hash;
        Some(key)
    }
}

/// Builds Python objects; owns every reference on its stack until it hands out the root.
pub struct ObjectSink<'py> {
    py: Python<'py>,
    stack: Vec<Bound<'py, PyAny>>,
    cache: Option<MutexGuard<'static, KeyCache>>,
    /// Fail on the first object with a repeated key (JWT headers and payloads).
    reject_duplicates: bool,
    /// Set when a repeated key failed the parse; no Python exception is set then.
    pub duplicate: bool,
}

impl<'py> ObjectSink<'py> {
    pub fn new(py: Python<'py>, cache: Option<MutexGuard<'static, KeyCache>>) -> Self {
        Self {
            py,
            stack: Vec::with_capacity(64),
            cache,
            reject_duplicates: false,
            duplicate: false,
        }
    }

    /// A sink that fails (with `duplicate` set) on an object with a repeated key.
    pub fn rejecting_duplicates(
        py: Python<'py>,
        cache: Option<MutexGuard<'static, KeyCache>>,
    ) -> Self {
        let mut sink = Self::new(py, cache);
        sink.reject_duplicates = true;
        sink
    }

    /// The parsed document; call once, after a successful parse.
    pub fn into_root(mut self) -> PyResult<Bound<'py, PyAny>> {
        debug_assert_eq!(self.stack.len(), 1);
        let py = self.py;
        self.stack.pop().ok_or_else(|| PyErr::fetch(py))
    }

    /// Pushes a new object, or fails with its exception left set (`None`).
    #[inline]
    fn push(&mut self, object: Option<Bound<'py, PyAny>>) -> Result<(), SinkError> {
        let Some(object) = object else {
            // A Python exception (MemoryError, ValueError) is set.
            return Err(SinkError);
        };
        if self.stack.len() == self.stack.capacity() {
            self.grow()?;
        }
        self.stack.push(object);
        Ok(())
    }

    /// Room for one more object on the stack, which holds every item of the open containers:
    /// its size follows the input, so failing to grow is a MemoryError, not an abort.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) -> Result<(), SinkError> {
        if self.stack.try_reserve(1).is_ok() {
            return Ok(());
        }
        set_memory_error(self.py);
        Err(SinkError)
    }

    #[inline]
    fn new_str(&self, bytes: &[u8], text: Text) -> Option<Bound<'py, PyAny>> {
        let text = match text {
            // SAFETY: the parser reports `Text::Ascii` only for bytes it found to be ASCII.
            Text::Ascii => unsafe { new_ascii(self.py, bytes) },
            Text::Utf8 => decode_utf8(self.py, bytes, Errors::Strict),
            Text::Wtf8 => decode_utf8(self.py, bytes, Errors::SurrogatePass),
        };
        text.map(Bound::into_any)
    }
}

impl Sink for ObjectSink<'_> {
    #[inline]
    fn null(&mut self) -> Result<(), SinkError> {
        self.push(Some(none(self.py)))
    }

    #[inline]
    fn boolean(&mut self, value: bool) -> Result<(), SinkError> {
        self.push(Some(boolean(self.py, value)))
    }

    #[inline]
    fn int(&mut self, value: i64) -> Result<(), SinkError> {
        self.push(new_int(self.py, value))
    }

    fn big_int(&mut self, digits: &str) -> Result<(), SinkError> {
        // NUL-terminated for CPython's parser; as long as the literal, so fallible.
        let mut text: Vec<u8> = Vec::new();
        if text.try_reserve_exact(digits.len() + 1).is_err() {
            set_memory_error(self.py);
            return Err(SinkError);
        }
        text.extend_from_slice(digits.as_bytes());
        text.push(0);
        // Digits and a sign, then the NUL: never a NUL inside.
        let Ok(text) = CStr::from_bytes_with_nul(&text) else {
            return Err(SinkError);
        };
        self.push(new_int_from_digits(self.py, text))
    }

    #[inline]
    fn float(&mut self, value: f64) -> Result<(), SinkError> {
        self.push(new_float(self.py, value))
    }

    #[inline]
    fn string(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError> {
        self.push(self.new_str(bytes, text))
    }

    #[inline]
    fn key(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError> {
        let key = match (&mut self.cache, text) {
            // SAFETY: the parser reports `Text::Ascii` only for bytes it found to be ASCII.
            (Some(cache), Text::Ascii) if bytes.len() <= CACHED_KEY_MAX_LEN => unsafe {
                cache.get(self.py, bytes)
            },
            _ => self.new_str(bytes, text),
        };
        self.push(key)
    }

    fn end_array(&mut self, len: usize) -> Result<(), SinkError> {
        let start = self.stack.len() - len;
        let list = new_list(self.py, self.stack.drain(start..)).ok_or(SinkError)?;
        self.stack.push(list.into_any());
        Ok(())
    }

    fn end_object(&mut self, pairs: usize) -> Result<(), SinkError> {
        let start = self.stack.len() - 2 * pairs;
        let Some(dict) = new_dict(self.py, pairs) else {
            return Err(SinkError);
        };
        let mut failed = false;
        // The stack's references are released as the dict takes its own.
        let mut items = self.stack.drain(start..);
        while let (Some(key), Some(value)) = (items.next(), items.next()) {
            // Last value wins for a repeated key, at the first key's position (as in
            // dict(pairs), what the standard library builds).
            if !failed && !dict_set(&dict, &key, &value) {
                failed = true;
            }
        }
        drop(items);
        // A repeated key leaves the dict with fewer entries than pairs.
        if !failed && self.reject_duplicates && dict_len(dict.as_borrowed()) != pairs {
            self.duplicate = true;
            failed = true;
        }
        if failed {
            return Err(SinkError);
        }
        self.stack.push(dict.into_any());
        Ok(())
    }
}
