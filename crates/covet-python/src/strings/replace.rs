//! `multi_replace` and `Replacer`: many patterns replaced in one pass (docs/STRINGS.md,
//! "Replacing many patterns"); the automaton is covet-core's `strings::replace`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use covet_core::strings::fallible::{vec_with_capacity, TryPushItem};
use covet_core::strings::replace::{Replacer as CoreReplacer, ReplacerError};
use pyo3::exceptions::{PyMemoryError, PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use super::{cow_result, mapping_abc, str_arg, text_pairs, unpack_pair, unpack_pair_or, StrPair};
use crate::convert::{dict_items, type_name, OrMemoryError};

/// The `(pattern, replacement)` pairs of a mapping or an iterable of pairs, each checked
/// (a `str` with a UTF-8 form) as it is read, in the twin's order. An exact dict is read
/// from a copy of its items (`dict_items`); any other Mapping through its `items()`, each
/// item unpacked as Python's `pattern, replacement = item` unpacks it.
fn pairs_of<'py>(function: &str, mapping: &Bound<'py, PyAny>) -> PyResult<Vec<StrPair<'py>>> {
    let py = mapping.py();
    let not_pairs = || {
        PyTypeError::new_err(format!(
            "{function}() argument 'mapping' must be a mapping or an iterable of \
             (pattern, replacement) pairs, not {}",
            type_name(mapping)
        ))
    };
    let text = |value: Bound<'py, PyAny>| -> PyResult<Bound<'py, PyString>> {
        let text = value.cast_into::<PyString>().map_err(|value| {
            PyTypeError::new_err(format!(
                "{function}(): patterns and replacements must be str, not {}",
                type_name(value.into_inner().as_any())
            ))
        })?;
        text.to_str()?;
        Ok(text)
    };
    let mut pairs = Vec::new();
    if let Ok(dict) = mapping.cast_exact::<PyDict>() {
        let items = dict_items(dict)?;
        pairs = vec_with_capacity(items.len()).or_memory_error()?;
        for (pattern, replacement) in items {
            pairs.push((text(pattern)?, text(replacement)?));
        }
    } else if mapping.is_instance(mapping_abc(py)?)? {
        for item in mapping.call_method0(intern!(py, "items"))?.try_iter()? {
            let (pattern, replacement) = unpack_pair(&item?)?;
            pairs
                .try_push((text(pattern)?, text(replacement)?))
                .or_memory_error()?;
        }
    } else {
        if mapping.is_instance_of::<PyString>() {
            return Err(not_pairs());
        }
        // As the twin's `iter(mapping)` does: a TypeError (not iterable) becomes the "not
        // pairs" TypeError; anything else an `__iter__` raises propagates unchanged.
        let items = mapping.try_iter().map_err(|error| {
            if error.is_instance_of::<PyTypeError>(py) {
                not_pairs()
            } else {
                error
            }
        })?;
        for item in items {
            let item = item?;
            if item.is_instance_of::<PyString>() {
                return Err(not_pairs());
            }
            let (pattern, replacement) = unpack_pair_or(&item, &not_pairs)?;
            pairs
                .try_push((text(pattern)?, text(replacement)?))
                .or_memory_error()?;
        }
    }
    Ok(pairs)
}

/// The pairs compiled.
fn compile(function: &str, pairs: &[(&str, &str)]) -> PyResult<CoreReplacer> {
    CoreReplacer::new(pairs).map_err(|error| match error {
        ReplacerError::EmptyPattern => {
            PyValueError::new_err(format!("{function}(): empty pattern"))
        }
        ReplacerError::TooLarge(reason) => {
            PyValueError::new_err(format!("{function}(): too many patterns: {reason}"))
        }
        ReplacerError::OutOfMemory => PyMemoryError::new_err(()),
    })
}

/// How many recently used pattern sets `multi_replace` keeps compiled.
const RECENT_REPLACERS: usize = 8;

/// Pattern sets `multi_replace` compiled lately, most recent first. Building the automaton
/// for 20 patterns costs 70-100 us (benches/bench_strings.py), far more than a 10 KB
/// replacement with it, and code that calls `multi_replace` in a loop passes the same
/// mapping every time. Keyed by the pairs themselves (never by the mapping's identity,
/// which a mutated dict keeps), so a hit is always the same automaton a fresh compile
/// would give.
type RecentReplacers = VecDeque<(Vec<(String, String)>, Arc<CoreReplacer>)>;

static RECENT: Mutex<RecentReplacers> = Mutex::new(VecDeque::new());

/// Larger pattern sets (in bytes of patterns and replacements) are compiled but not kept,
/// so the cache's memory stays bounded.
const RECENT_REPLACER_MAX_BYTES: usize = 64 * 1024;

fn recent_replacer(pairs: &[(&str, &str)]) -> PyResult<Arc<CoreReplacer>> {
    let bytes: usize = pairs.iter().map(|(p, r)| p.len() + r.len()).sum();
    if bytes > RECENT_REPLACER_MAX_BYTES {
        return Ok(Arc::new(compile("multi_replace", pairs)?));
    }
    let same = |known: &[(String, String)]| {
        known.len() == pairs.len()
            && known
                .iter()
                .zip(pairs)
                .all(|((p, r), (q, s))| p == q && r == s)
    };
    let mut recent = RECENT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(at) = recent.iter().position(|(known, _)| same(known)) {
        if let Some(entry) = recent.remove(at) {
            let replacer = Arc::clone(&entry.1);
            recent.push_front(entry);
            return Ok(replacer);
        }
    }
    drop(recent);
    let replacer = Arc::new(compile("multi_replace", pairs)?);
    // At most 64 KiB of text (above): kept with plain allocations.
    let key = pairs
        .iter()
        .map(|&(p, r)| (p.to_owned(), r.to_owned()))
        .collect();
    let mut recent = RECENT.lock().unwrap_or_else(PoisonError::into_inner);
    recent.push_front((key, Arc::clone(&replacer)));
    recent.truncate(RECENT_REPLACERS);
    Ok(replacer)
}

/// Every pattern of `mapping` (a mapping or an iterable of pairs) replaced in one pass:
/// leftmost match first, the longest among those starting there. The last 8 pattern sets
/// stay compiled; `Replacer` compiles a set once for good.
#[pyfunction]
pub fn multi_replace<'py>(
    text: &Bound<'py, PyAny>,
    mapping: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyString>> {
    let text = str_arg("multi_replace", "text", text)?;
    let pairs = pairs_of("multi_replace", mapping)?;
    let replacer = recent_replacer(&text_pairs(&pairs)?)?;
    cow_result(text, replacer.replace(text.to_str()?).or_memory_error()?)
}

/// Patterns compiled once (an Aho-Corasick automaton) for `replace(text)`; immutable, so
/// one instance can be shared by every thread.
#[pyclass(frozen, module = "covet_rust_core.strings")]
pub struct Replacer {
    core: CoreReplacer,
}

#[pymethods]
impl Replacer {
    #[new]
    fn new(mapping: &Bound<'_, PyAny>) -> PyResult<Self> {
        let pairs = pairs_of("Replacer", mapping)?;
        Ok(Self {
            core: compile("Replacer", &text_pairs(&pairs)?)?,
        })
    }

    /// `text` with every pattern replaced (leftmost, then longest); returned as it is when
    /// nothing matched.
    fn replace<'py>(&self, text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
        let text = str_arg("replace", "text", text)?;
        cow_result(text, self.core.replace(text.to_str()?).or_memory_error()?)
    }

    fn __len__(&self) -> usize {
        self.core.len()
    }

    fn __repr__(&self) -> String {
        let n = self.core.len();
        format!("Replacer({n} pattern{})", if n == 1 { "" } else { "s" })
    }
}
