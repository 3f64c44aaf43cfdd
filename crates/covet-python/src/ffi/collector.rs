//! The cyclic garbage collector, paused while `loads` builds a large document.
//!
//! Every dict and list a parse makes counts as an allocation for the collector, which runs
//! a collection every 700 of them and, as the young objects pile up, older and older ones:
//! on the large benchmark documents that was 28% to 57% of `loads`' time, all of it spent
//! traversing objects that are still being built and cannot be garbage. The pause runs
//! that work once at the end instead, inside `loads`, where its caller pays for it (and a
//! benchmark counts it): not left to whatever code allocates next.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;

/// A pause of the collector, begun by `begin` and ended by `end` (or, if the caller never
/// gets there, by `drop`, which only turns the collector back on).
pub struct CollectorPause<'py> {
    py: Python<'py>,
    resumed: bool,
}

impl<'py> CollectorPause<'py> {
    /// Pauses the collector if it is on; `None` (nothing to restore) if it was already off,
    /// and always on free-threaded builds, where the switch is shared with threads that run
    /// at the same time: one thread's pause would be another's surprise, and two threads'
    /// pauses could leave it off.
    pub fn begin(py: Python<'py>) -> Option<Self> {
        #[cfg(Py_GIL_DISABLED)]
        {
            let _ = py;
            None
        }
        #[cfg(not(Py_GIL_DISABLED))]
        {
            // SAFETY: attached. Returns the previous state: 1 if it was on.
            let was_on = unsafe { ffi::PyGC_Disable() } == 1;
            // Not `then_some`: a pause made and dropped would turn the collector on.
            if was_on {
                Some(Self { py, resumed: false })
            } else {
                None
            }
        }
    }

    /// Turns the collector back on and runs the collection the pause deferred, if one is
    /// due: the one CPython would run at the next allocation, chosen as it chooses (the
    /// young generation when its count is over its threshold, the middle one with it when
    /// that one's count is over its own). Call it with no exception set.
    ///
    /// Not a collection of more generations than that: survivors moved to the oldest
    /// generation count towards CPython's next full collection, which would then come sooner
    /// for whatever code allocates next. (The bench run that prompted this showed the other
    /// contenders' `loads` up to half slower; their times vary about that much between runs
    /// anyway, so the reason above, not that run, is the case for it.)
    pub fn end(mut self) -> PyResult<()> {
        self.resume();
        let gc = collector_module(self.py)?;
        let (young, middle, _): (isize, isize, isize) = gc.call_method0("get_count")?.extract()?;
        let (young_threshold, middle_threshold, _): (isize, isize, isize) =
            gc.call_method0("get_threshold")?.extract()?;
        // A threshold of 0 turns automatic collections off.
        if young_threshold > 0 && young > young_threshold {
            let generation = u8::from(middle_threshold > 0 && middle > middle_threshold);
            gc.call_method1("collect", (generation,))?;
        }
        Ok(())
    }

    fn resume(&mut self) {
        if !self.resumed {
            self.resumed = true;
            // SAFETY: attached (the token); the collector was on when the pause began.
            unsafe { ffi::PyGC_Enable() };
        }
    }
}

impl Drop for CollectorPause<'_> {
    fn drop(&mut self) {
        self.resume();
    }
}

static GC_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn collector_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    Ok(GC_MODULE
        .get_or_try_init(py, || py.import("gc").map(Bound::unbind))?
        .bind(py))
}
