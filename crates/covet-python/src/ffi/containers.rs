//! dict, list, tuple and set: sizes and items read from the base storage (a subclass's
//! `__len__`, `__iter__` or `items` is never called), and new containers built in place.
//!
//! Items come out as new references, taken before any Python code can run: whatever the
//! code run afterwards does to the container (user code the caller calls while writing an
//! item), the item stays alive. On free-threaded builds the reads happen within the
//! container's critical section (`read_dict`, `read_list`), which CPython suspends while
//! the caller runs Python code; callers that let Python code run between reads re-check the
//! size, as a dict iterator does.

use std::mem::MaybeUninit;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::critical_section::with_critical_section;
use pyo3::types::{PyDict, PyFrozenSet, PyIterator, PyList, PySet, PyTuple};
use pyo3::Borrowed;

use super::{borrowed_item, ssize, usize_of};

/// The number of items of a dict (or subclass): its `ma_used`, read without a call. The
/// serializer compares it before each step of a dict it reads live, as dict iterators do.
#[allow(clippy::inline_always)]
#[inline(always)]
pub fn dict_len(dict: Borrowed<'_, '_, PyDict>) -> usize {
    // SAFETY: a live dict (or subclass): its layout starts with PyDictObject's public fields.
    length(unsafe { (*dict.as_ptr().cast::<ffi::PyDictObject>()).ma_used })
}

/// A live container's size (never negative) as a length. A plain cast: the serializer
/// compares sizes on every item, where `usize_of`'s check cost three instructions each.
#[allow(clippy::inline_always, clippy::cast_sign_loss)]
#[inline(always)]
fn length(size: ffi::Py_ssize_t) -> usize {
    size as usize
}

/// A dict's items in order, read within the dict's critical section (see `read_dict`, the
/// only way to get one): from its entry table where CPython's layout of it is known, else by
/// `PyDict_Next`.
pub struct DictItems<'a, 'py> {
    dict: Borrowed<'a, 'py, PyDict>,
    position: ffi::Py_ssize_t,
    /// Whether the entries are read from the table (`table_next`), decided once per dict.
    walk: bool,
}

impl<'py> DictItems<'_, 'py> {
    /// The dict's current number of items (`dict_len`).
    #[allow(clippy::inline_always)]
    #[inline(always)]
    pub fn len(&self) -> usize {
        dict_len(self.dict)
    }

    /// The next item, as two new references; `None` at the end.
    #[allow(clippy::inline_always, clippy::should_implement_trait)]
    #[inline(always)]
    pub fn next(&mut self) -> Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        self.next_borrowed()
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
    }

    /// The next item without references of the caller's: valid until Python code runs
    /// (which may remove it from the dict). `None` at the end.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    pub fn next_borrowed(
        &mut self,
    ) -> Option<(Borrowed<'_, 'py, PyAny>, Borrowed<'_, 'py, PyAny>)> {
        let py = self.dict.py();
        let (key, value) = if self.walk {
            // SAFETY: attached; a live dict whose table has the layout `table_next` reads
            // (checked by `read_dict`), read within its critical section.
            unsafe { table_next(self.dict.as_ptr(), &mut self.position) }?
        } else {
            // SAFETY: as above.
            unsafe { dict_next(self.dict.as_ptr(), &mut self.position) }?
        };
        // SAFETY: two live references, the dict's, which the caller may use until Python code
        // runs (the method's contract).
        unsafe { Some((borrowed_item(py, key), borrowed_item(py, value))) }
    }
}

/// `PyDict_Next`: the item at or after `position` (which it moves past it), as borrowed
/// references.
///
/// # Safety
/// Attached; `dict` is a live dict (or subclass), read within its critical section.
#[inline]
unsafe fn dict_next(
    dict: *mut ffi::PyObject,
    position: &mut ffi::Py_ssize_t,
) -> Option<(*mut ffi::PyObject, *mut ffi::PyObject)> {
    // Written by PyDict_Next when it finds an item: not initialized for every call
    // (callgrind: two stores per item of every dict dumps writes).
    let mut key = MaybeUninit::<*mut ffi::PyObject>::uninit();
    let mut value = MaybeUninit::<*mut ffi::PyObject>::uninit();
    // SAFETY: the caller's promise; the position is the caller's. PyDict_Next copes with a
    // position past a dict changed meanwhile.
    let found =
        unsafe { ffi::PyDict_Next(dict, position, key.as_mut_ptr(), value.as_mut_ptr()) } != 0;
    // SAFETY: PyDict_Next returned 1, so it wrote both.
    found.then(|| unsafe { (key.assume_init(), value.assume_init()) })
}

/// The header of a dict's keys object (`struct _dictkeysobject` of CPython's
/// `internal/pycore_dict.h`): the same from 3.11 to 3.15, checked in each version's header.
/// (Free-threaded builds add a one-byte mutex after `dk_kind`, inside the padding before
/// `dk_version`: the offsets read here do not move.) The index table follows, then the
/// entries.
#[repr(C)]
#[allow(clippy::struct_field_names)] // CPython's names, to be checked against its header
struct DictKeysHeader {
    dk_refcnt: ffi::Py_ssize_t,
    dk_log2_size: u8,
    dk_log2_index_bytes: u8,
    dk_kind: u8,
    dk_version: u32,
    dk_usable: ffi::Py_ssize_t,
    dk_nentries: ffi::Py_ssize_t,
}

/// `dk_kind` of a table whose keys may be anything: its entries carry the hash.
const DICT_KEYS_GENERAL: u8 = 0;

/// An entry of a table of any keys (`PyDictKeyEntry`).
#[repr(C)]
#[allow(clippy::struct_field_names)] // CPython's names
struct GeneralEntry {
    me_hash: ffi::Py_hash_t,
    me_key: *mut ffi::PyObject,
    me_value: *mut ffi::PyObject,
}

/// An entry of a table of `str` keys only (`PyDictUnicodeEntry`).
#[repr(C)]
#[allow(clippy::struct_field_names)] // CPython's names
struct StrKeyEntry {
    me_key: *mut ffi::PyObject,
    me_value: *mut ffi::PyObject,
}

/// Whether `dict`'s items can be read from its entry table: the running CPython is one whose
/// layout `DictKeysHeader` describes (3.11 to 3.15: a later one is read by `PyDict_Next`),
/// and the dict's table holds its values (it is not split: an instance's `__dict__`, whose
/// values are kept apart, is read by `PyDict_Next`). A combined table never becomes split.
///
/// # Safety
/// Attached; `dict` is a live dict (or subclass).
#[inline]
unsafe fn table_is_readable(dict: *mut ffi::PyObject) -> bool {
    // SAFETY: the caller's promise; `Py_Version` is a constant of the running CPython.
    unsafe {
        (0x030b_0000..0x0310_0000).contains(&ffi::Py_Version)
            && (*dict.cast::<ffi::PyDictObject>()).ma_values.is_null()
    }
}

/// `PyDict_Next` for a combined table, read from its entries as PyDict_Next reads them (the
/// first entry at or after `position` that holds a value; deleted ones hold none).
///
/// # Safety
/// Attached; `dict` is a live dict (or subclass) for which `table_is_readable` held, read
/// within its critical section.
#[allow(clippy::inline_always)]
#[inline(always)]
unsafe fn table_next(
    dict: *mut ffi::PyObject,
    position: &mut ffi::Py_ssize_t,
) -> Option<(*mut ffi::PyObject, *mut ffi::PyObject)> {
    // SAFETY: the caller's promise: the keys object (read anew each time: code run since the
    // last item may have resized the dict) has the header above, then `1 << log2_index_bytes`
    // bytes of indices, then `dk_nentries` entries of the kind `dk_kind` says; only those
    // below `dk_nentries` are read.
    unsafe {
        let keys = (*dict.cast::<ffi::PyDictObject>())
            .ma_keys
            .cast::<DictKeysHeader>();
        let count = (*keys).dk_nentries;
        let entries = keys
            .cast::<u8>()
            .add(std::mem::size_of::<DictKeysHeader>() + (1usize << (*keys).dk_log2_index_bytes));
        // Aligned: the entries follow a header of 8-byte fields and an index table of at
        // least 8 bytes (CPython's `DK_ENTRIES`).
        #[allow(clippy::cast_ptr_alignment)]
        if (*keys).dk_kind == DICT_KEYS_GENERAL {
            next_entry(entries.cast::<GeneralEntry>(), count, position)
        } else {
            next_entry(entries.cast::<StrKeyEntry>(), count, position)
        }
    }
}

/// An entry of a dict's table, of either kind.
trait TableEntry {
    fn key(&self) -> *mut ffi::PyObject;
    /// NULL for a deleted entry.
    fn value(&self) -> *mut ffi::PyObject;
}

impl TableEntry for GeneralEntry {
    fn key(&self) -> *mut ffi::PyObject {
        self.me_key
    }
    fn value(&self) -> *mut ffi::PyObject {
        self.me_value
    }
}

impl TableEntry for StrKeyEntry {
    fn key(&self) -> *mut ffi::PyObject {
        self.me_key
    }
    fn value(&self) -> *mut ffi::PyObject {
        self.me_value
    }
}

/// The first entry of `entries` at or after `position` (below `count`) that holds a value,
/// its key and value; `position` moves past it (or to `count`).
///
/// # Safety
/// `entries` points to `count` entries of type `E`.
#[allow(clippy::inline_always)]
#[inline(always)]
unsafe fn next_entry<E: TableEntry>(
    entries: *const E,
    count: ffi::Py_ssize_t,
    position: &mut ffi::Py_ssize_t,
) -> Option<(*mut ffi::PyObject, *mut ffi::PyObject)> {
    let mut index = *position;
    while index < count {
        // SAFETY: `index` is below `count` (the caller's promise).
        let entry = unsafe { &*entries.offset(index) };
        index += 1;
        if !entry.value().is_null() {
            *position = index;
            return Some((entry.key(), entry.value()));
        }
    }
    *position = index;
    None
}

/// Runs `read` with the items of `dict` (a dict or subclass, read through dict itself),
/// within the dict's critical section on free-threaded builds (with the GIL nothing else is
/// needed: no other thread runs while this one holds it).
#[allow(clippy::inline_always)]
#[inline(always)]
pub fn read_dict<'a, 'py, R>(
    dict: Borrowed<'a, 'py, PyDict>,
    read: impl FnOnce(&mut DictItems<'a, 'py>) -> R,
) -> R {
    // SAFETY: attached; a live dict.
    let walk = unsafe { table_is_readable(dict.as_ptr()) };
    let mut items = DictItems {
        dict,
        position: 0,
        walk,
    };
    #[cfg(Py_GIL_DISABLED)]
    {
        with_critical_section(dict.as_any(), || read(&mut items))
    }
    #[cfg(not(Py_GIL_DISABLED))]
    {
        read(&mut items)
    }
}

/// Whether every key of `dict` is an exact `str`: then looking a name up in it runs no Python
/// code. Only the keys' types are read.
pub fn dict_keys_are_exact_str(dict: &Bound<'_, PyDict>) -> bool {
    with_critical_section(dict.as_any(), || {
        let mut position: ffi::Py_ssize_t = 0;
        let mut key: *mut ffi::PyObject = std::ptr::null_mut();
        let mut value: *mut ffi::PyObject = std::ptr::null_mut();
        // SAFETY: attached; a live dict, locked against other threads; the borrowed keys are
        // only read for their type, none is kept, and no Python code runs.
        while unsafe {
            ffi::PyDict_Next(
                dict.as_ptr(),
                &raw mut position,
                &raw mut key,
                &raw mut value,
            )
        } != 0
        {
            // SAFETY: `key` is a valid borrowed reference.
            if unsafe { ffi::PyUnicode_CheckExact(key) } == 0 {
                return false;
            }
        }
        true
    })
}

/// A new dict with room for `pairs` items; `None` with the exception set on failure.
#[inline]
pub fn new_dict(py: Python<'_>, pairs: usize) -> Option<Bound<'_, PyDict>> {
    // SAFETY: attached; a new dict or NULL with an exception set, which is checked.
    unsafe {
        Bound::from_owned_ptr_or_opt(py, presized_dict(pairs))
            .map(|dict| dict.cast_into_unchecked())
    }
}

#[cfg(not(Py_3_14))]
extern "C" {
    // Exported by CPython 3.10 to 3.13 (checked with nm), not re-exported by pyo3-ffi: a
    // dict with room for `minused` items, so building it never resizes.
    fn _PyDict_NewPresized(minused: ffi::Py_ssize_t) -> *mut ffi::PyObject;
}

/// A new dict (a new reference), or NULL with an exception set.
///
/// # Safety
/// Attached.
#[cfg(not(Py_3_14))]
#[inline]
unsafe fn presized_dict(pairs: usize) -> *mut ffi::PyObject {
    // Small dicts are presized by CPython anyway; the call only pays for larger ones.
    if pairs > 5 {
        // SAFETY: attached (the caller's promise).
        unsafe { _PyDict_NewPresized(ssize(pairs)) }
    } else {
        // SAFETY: attached (the caller's promise).
        unsafe { ffi::PyDict_New() }
    }
}

/// 3.14 keeps `_PyDict_NewPresized` internal: not relied on there.
///
/// # Safety
/// Attached.
#[cfg(Py_3_14)]
#[inline]
unsafe fn presized_dict(_pairs: usize) -> *mut ffi::PyObject {
    // SAFETY: attached (the caller's promise).
    unsafe { ffi::PyDict_New() }
}

/// `dict[key] = value` by dict itself; `false` with the exception set when the key cannot be
/// hashed or compared (its `__hash__` or `__eq__` raised) or memory ran out.
#[inline]
pub fn dict_set(
    dict: &Bound<'_, PyDict>,
    key: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
) -> bool {
    // SAFETY: attached; all three live; PyDict_SetItem takes its own references.
    unsafe { ffi::PyDict_SetItem(dict.as_ptr(), key.as_ptr(), value.as_ptr()) == 0 }
}

/// A list's or tuple's items by index, each a new reference.
pub trait Sequence<'py> {
    /// The current length.
    fn len(&self) -> usize;
    /// The item at `index`, if the sequence is still that long.
    fn get(&self, index: usize) -> Option<Bound<'py, PyAny>> {
        self.get_borrowed(index).map(Borrowed::to_owned)
    }
    /// The item at `index` without a reference of the caller's, if the sequence is still
    /// that long: valid until Python code runs (which may remove it from a list).
    fn get_borrowed(&self, index: usize) -> Option<Borrowed<'_, 'py, PyAny>>;
}

/// A list's items by index, within its critical section (see `read_list`).
pub struct ListItems<'a, 'py> {
    list: Borrowed<'a, 'py, PyList>,
}

impl<'py> Sequence<'py> for ListItems<'_, 'py> {
    /// The list's current length (its base size).
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn len(&self) -> usize {
        // SAFETY: a live list (or subclass): its base size.
        length(unsafe { ffi::PyList_GET_SIZE(self.list.as_ptr()) })
    }

    /// The item at `index`, if the list is still that long (user code run between two
    /// reads may have shortened it).
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn get_borrowed(&self, index: usize) -> Option<Borrowed<'_, 'py, PyAny>> {
        if index >= self.len() {
            return None;
        }
        // SAFETY: attached; `index` is below the current length, read in the list's critical
        // section: the slot holds a live reference, the list's, which the caller may use
        // until Python code runs (the trait's contract).
        unsafe {
            let item = ffi::PyList_GET_ITEM(self.list.as_ptr(), ssize(index));
            Some(borrowed_item(self.list.py(), item))
        }
    }
}

/// Runs `read` with the items of `list` (a list or subclass, read through list itself),
/// within its critical section on free-threaded builds.
#[allow(clippy::inline_always)]
#[inline(always)]
pub fn read_list<'a, 'py, R>(
    list: Borrowed<'a, 'py, PyList>,
    read: impl FnOnce(&mut ListItems<'a, 'py>) -> R,
) -> R {
    let mut items = ListItems { list };
    #[cfg(Py_GIL_DISABLED)]
    {
        with_critical_section(list.as_any(), || read(&mut items))
    }
    #[cfg(not(Py_GIL_DISABLED))]
    {
        read(&mut items)
    }
}

/// A tuple's (or subclass's) items, read through tuple itself; they never change.
pub struct TupleItems<'a, 'py>(Borrowed<'a, 'py, PyTuple>);

impl<'a, 'py> TupleItems<'a, 'py> {
    pub fn new(tuple: Borrowed<'a, 'py, PyTuple>) -> Self {
        Self(tuple)
    }
}

impl<'py> Sequence<'py> for TupleItems<'_, 'py> {
    /// The tuple's length, its base size.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn len(&self) -> usize {
        // SAFETY: a live tuple: its base size.
        length(unsafe { ffi::PyTuple_GET_SIZE(self.0.as_ptr()) })
    }

    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn get_borrowed(&self, index: usize) -> Option<Borrowed<'_, 'py, PyAny>> {
        if index >= self.len() {
            return None;
        }
        // SAFETY: attached; `index` is in range of a live tuple, whose items are live and
        // never change: the tuple's reference.
        unsafe {
            let item = ffi::PyTuple_GET_ITEM(self.0.as_ptr(), ssize(index));
            Some(borrowed_item(self.0.py(), item))
        }
    }
}

/// A new list that takes over `items` (no reference count changes); `None` with the
/// exception set when it cannot be allocated (the items are then released).
#[inline]
pub fn new_list<'py>(
    py: Python<'py>,
    items: std::vec::Drain<'_, Bound<'py, PyAny>>,
) -> Option<Bound<'py, PyList>> {
    let len = items.len();
    // SAFETY: attached; a new list of `len` NULL slots, or NULL with an exception set.
    let list = unsafe { Bound::from_owned_ptr_or_opt(py, ffi::PyList_New(ssize(len))) }?;
    for (index, item) in items.enumerate() {
        // SAFETY: the list is new and unseen by other code, and a Drain yields exactly `len`
        // items, so `index` < `len`; SET_ITEM steals the reference `into_ptr` gives up.
        unsafe { ffi::PyList_SET_ITEM(list.as_ptr(), ssize(index), item.into_ptr()) };
    }
    // SAFETY: PyList_New made a list, now full.
    Some(unsafe { list.cast_into_unchecked() })
}

/// A new `(first, second)` tuple (pyo3's `PyTuple::new` panics when CPython cannot allocate).
pub fn new_pair<'py>(
    first: Bound<'py, PyAny>,
    second: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    let py = first.py();
    // SAFETY: attached; a new tuple of two NULL slots or NULL with an exception set.
    let tuple = unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyTuple_New(2))? };
    // SAFETY: the tuple is new and unseen; SET_ITEM steals the two references.
    unsafe {
        ffi::PyTuple_SET_ITEM(tuple.as_ptr(), 0, first.into_ptr());
        ffi::PyTuple_SET_ITEM(tuple.as_ptr(), 1, second.into_ptr());
    }
    // SAFETY: PyTuple_New made a tuple, now full.
    Ok(unsafe { tuple.cast_into_unchecked() })
}

/// The items of a `set` or `frozenset` (or a subclass of one) through `set.__iter__` itself:
/// a subclass's `__iter__` is not called, and the set's own iterator runs no Python code.
/// `None` for any other object.
pub fn set_items<'py>(value: &Bound<'py, PyAny>) -> PyResult<Option<Vec<Bound<'py, PyAny>>>> {
    if !(value.is_instance_of::<PySet>() || value.is_instance_of::<PyFrozenSet>()) {
        return Ok(None);
    }
    let py = value.py();
    // SAFETY: PySet_Type is CPython's static set type; its tp_iter (set_iter) accepts any set
    // or frozenset, subclasses included (checked above), and returns a new reference or NULL.
    let iterator = unsafe {
        let Some(set_iter) = ffi::PySet_Type.tp_iter else {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "set has no iterator",
            ));
        };
        Bound::from_owned_ptr_or_err(py, set_iter(value.as_ptr()))?
    };
    let iterator = iterator.cast_into::<PyIterator>()?;
    // SAFETY: attached; `value` is a live set or frozenset: PySet_Size reads its base size.
    let len = usize_of(unsafe { ffi::PySet_Size(value.as_ptr()) });
    let mut items = Vec::new();
    items
        .try_reserve_exact(len)
        .map_err(|_| pyo3::exceptions::PyMemoryError::new_err(()))?;
    for item in iterator {
        items
            .try_reserve(1)
            .map_err(|_| pyo3::exceptions::PyMemoryError::new_err(()))?;
        items.push(item?);
    }
    Ok(Some(items))
}
