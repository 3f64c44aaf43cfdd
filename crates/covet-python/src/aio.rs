//! Awaitable offload for `covet_rust_core.aio` (docs/AIO.md).
//!
//! A binding checks its arguments on the calling thread (the event loop), then hands a
//! closure that needs no GIL to [`offload`]. The closure runs on covet's own tokio runtime;
//! its output is turned into a Python object by its `IntoPyObject` impl on a runtime thread
//! holding the GIL briefly, and pyo3-async-runtimes delivers it to the awaiting loop with
//! `call_soon_threadsafe`. Work too small for the hand-off is finished inline: [`ready`].
//!
//! The runtime is covet's own rather than pyo3-async-runtimes' global one because that one
//! lives in a `OnceLock`: it cannot be replaced in a child process after `fork()`, where its
//! threads do not exist.

use std::future::Future;
use std::num::NonZeroUsize;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
use std::sync::Once;
use std::time::{Duration, Instant};

use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::BoundObject;
use pyo3_async_runtimes::generic::{self, ContextExt};
use pyo3_async_runtimes::TaskLocals;
use tokio::runtime::{Builder, Runtime};

/// The runtime and the process it was built in.
struct Owned {
    pid: u32,
    runtime: Runtime,
}

/// Published once per process and never freed: a runtime is abandoned, not dropped, when a
/// forked child replaces its parent's (dropping would wait for threads that are not there).
static RUNTIME: AtomicPtr<Owned> = AtomicPtr::new(ptr::null_mut());

/// How long an idle result-delivery thread stays before it exits.
const DELIVERY_THREAD_IDLE: Duration = Duration::from_secs(2);

fn build(pid: u32) -> Owned {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let runtime = Builder::new_multi_thread()
        // CPU work blocks its worker for its whole length: one worker per CPU the process
        // may use, and more work waits in the queue instead of adding threads.
        .worker_threads(cores)
        // Delivery threads (pyo3-async-runtimes' spawn_blocking) take the GIL to build the
        // result; bounded so that a burst of completions cannot multiply threads.
        .max_blocking_threads(cores)
        .thread_keep_alive(DELIVERY_THREAD_IDLE)
        .thread_name("covet-aio")
        .build()
        .expect("building covet's tokio runtime");
    Owned { pid, runtime }
}

/// This process's runtime, built on first use (and again in a forked child).
fn runtime() -> &'static Runtime {
    let pid = std::process::id();
    loop {
        let current = RUNTIME.load(Ordering::Acquire);
        // SAFETY: a published pointer comes from `Box::into_raw` and is never freed.
        if let Some(owned) = unsafe { current.as_ref() } {
            if owned.pid == pid {
                return &owned.runtime;
            }
        }
        let fresh = Box::into_raw(Box::new(build(pid)));
        if RUNTIME
            .compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            // The parent's runtime (if `current` was one) stays allocated and untouched.
            // SAFETY: just published, never freed.
            return unsafe { &(*fresh).runtime };
        }
        // Another thread published first; ours was never shared.
        // SAFETY: `fresh` came from `Box::into_raw` above and was not published.
        let unused = unsafe { Box::from_raw(fresh) };
        unused.runtime.shutdown_background();
    }
}

/// Set by the `atexit` hook: from then on covet's threads leave the interpreter alone.
static EXITING: AtomicBool = AtomicBool::new(false);
/// covet threads inside the interpreter, or about to enter it.
static IN_INTERPRETER: AtomicUsize = AtomicUsize::new(0);
/// How long the `atexit` hook waits for deliveries under way.
const EXIT_WAIT: Duration = Duration::from_secs(5);

struct Entered;

impl Drop for Entered {
    fn drop(&mut self) {
        IN_INTERPRETER.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `enter` (which attaches to the interpreter) unless the interpreter is shutting
/// down, in which case it is leaked, never run or dropped.
///
/// A thread that tries to take the GIL while `Py_FinalizeEx` runs is ended by CPython with
/// `pthread_exit`, whose forced unwind through Rust frames aborts the process: a script
/// that exits right after an awaitable completed could die with SIGABRT. The `atexit` hook
/// ([`before_exit`]) runs before finalization, sets [`EXITING`] and waits, with the GIL
/// released, for the threads already inside.
pub fn while_interpreter_lives(enter: impl FnOnce()) {
    IN_INTERPRETER.fetch_add(1, Ordering::SeqCst);
    let _entered = Entered;
    if EXITING.load(Ordering::SeqCst) {
        std::mem::forget(enter);
        return;
    }
    enter();
}

/// The `atexit` hook: no covet thread enters the interpreter after it returns.
#[pyfunction]
fn before_exit(py: Python<'_>) {
    EXITING.store(true, Ordering::SeqCst);
    py.detach(|| {
        let deadline = Instant::now() + EXIT_WAIT;
        while IN_INTERPRETER.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// Run in a child after `os.fork()`: the deliveries counted in [`IN_INTERPRETER`] were the
/// parent's threads, none of which exist here (without this the child's exit would wait
/// [`EXIT_WAIT`] for them).
#[pyfunction]
fn after_fork_in_child() {
    IN_INTERPRETER.store(0, Ordering::SeqCst);
    EXITING.store(false, Ordering::SeqCst);
}

/// Registers [`before_exit`] with `atexit` and [`after_fork_in_child`] with
/// `os.register_at_fork`, once per process (a forked child inherits both registrations with
/// the rest of the interpreter).
fn register_exit_hook(py: Python<'_>) -> PyResult<()> {
    static REGISTERED: Once = Once::new();
    let mut outcome = Ok(());
    REGISTERED.call_once(|| {
        outcome = (|| {
            let exit_hook = wrap_pyfunction!(before_exit, py)?;
            py.import("atexit")?
                .call_method1("register", (exit_hook,))?;
            let os = py.import("os")?;
            // POSIX only; Windows has no fork.
            if os.hasattr("register_at_fork")? {
                let fork_hook = wrap_pyfunction!(after_fork_in_child, py)?;
                let kwargs = pyo3::types::PyDict::new(py);
                kwargs.set_item("after_in_child", fork_hook)?;
                os.call_method("register_at_fork", (), Some(&kwargs))?;
            }
            Ok(())
        })();
    });
    outcome
}

/// pyo3-async-runtimes' view of covet's runtime.
pub struct CovetRuntime;

impl generic::Runtime for CovetRuntime {
    type JoinError = tokio::task::JoinError;
    type JoinHandle = tokio::task::JoinHandle<()>;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        runtime().spawn(fut)
    }

    // pyo3-async-runtimes delivers every result (and every panic) through here, attached
    // to the interpreter: the one place covet's threads enter it.
    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        runtime().spawn_blocking(move || while_interpreter_lives(f))
    }
}

impl ContextExt for CovetRuntime {
    // The offloaded closures never call back into asyncio, so they need no task locals;
    // the awaiting loop is captured when the future is created.
    fn scope<F, R>(_locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        Box::pin(fut)
    }

    fn get_task_locals() -> Option<TaskLocals> {
        None
    }
}

/// An asyncio future of the running loop that `work` completes from a covet worker thread.
///
/// `work` runs without the GIL; its output becomes the result (or, through a failing
/// `IntoPyObject`, the exception) on a runtime thread that holds the GIL briefly. If the
/// future is cancelled before `work` starts, `work` is dropped unrun; once started, it
/// finishes and its output is dropped. `work` and its output must not touch the
/// interpreter when dropped outside a delivery, except through [`while_interpreter_lives`].
pub fn offload<T, W>(py: Python<'_>, work: W) -> PyResult<Bound<'_, PyAny>>
where
    W: FnOnce() -> T + Send + 'static,
    T: for<'py> IntoPyObject<'py> + Send + 'static,
{
    register_exit_hook(py)?;
    generic::future_into_py::<CovetRuntime, _, Delivered<T>>(py, async move {
        // pyo3-async-runtimes polls the work before it looks for a cancellation: yielding
        // once lets a task cancelled while queued be dropped here instead of run.
        tokio::task::yield_now().await;
        catch_unwind(AssertUnwindSafe(work))
            .map(Delivered)
            .map_err(|payload| PanicException::new_err(panic_message(&*payload, "work")))
    })
}

/// An offloaded result, converted in the delivery with a panic caught: pyo3-async-runtimes
/// converts the result inside its delivery closure, where a panic would end that closure
/// before it completes the asyncio future, leaving the awaiting coroutine pending forever.
/// Caught here, the panic becomes the future's `PanicException`, as one in the work does.
struct Delivered<T>(T);

impl<'py, T> IntoPyObject<'py> for Delivered<T>
where
    T: IntoPyObject<'py>,
{
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = self.0;
        catch_unwind(AssertUnwindSafe(move || {
            value
                .into_pyobject(py)
                .map(|object| object.into_bound().into_any())
                .map_err(Into::into)
        }))
        .unwrap_or_else(|payload| {
            Err(PanicException::new_err(panic_message(
                &*payload,
                "the result's conversion",
            )))
        })
    }
}

/// A panic's message, or one naming where it happened when the payload is not text.
fn panic_message(payload: &(dyn std::any::Any + Send), place: &str) -> String {
    payload
        .downcast_ref::<&str>()
        .map(ToString::to_string)
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| format!("panic in covet aio {place}"))
}

/// An already completed asyncio future of the running loop, holding `value`: the result of
/// work done inline because it costs less than the hand-off.
pub fn ready(value: Bound<'_, PyAny>) -> PyResult<Bound<'_, PyAny>> {
    let py = value.py();
    let event_loop = pyo3_async_runtimes::get_running_loop(py)?;
    let future = event_loop.call_method0(pyo3::intern!(py, "create_future"))?;
    future.call_method1(pyo3::intern!(py, "set_result"), (value,))?;
    Ok(future)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A result whose conversion panics (as PyO3's would where CPython cannot allocate).
    struct PanicsWhenConverted;

    impl<'py> IntoPyObject<'py> for PanicsWhenConverted {
        type Target = PyAny;
        type Output = Bound<'py, PyAny>;
        type Error = PyErr;

        fn into_pyobject(self, _py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            panic!("conversion failed on purpose");
        }
    }

    #[test]
    fn a_panic_in_the_result_conversion_is_the_futures_exception() {
        Python::initialize();
        Python::attach(|py| {
            let error = Delivered(PanicsWhenConverted)
                .into_pyobject(py)
                .expect_err("the panic is an error, not an unwind");
            assert!(error.is_instance_of::<PanicException>(py));
            assert!(error.to_string().contains("conversion failed on purpose"));
            // A conversion that works is passed on unchanged.
            let value = Delivered(7_u8).into_pyobject(py).expect("converted");
            assert_eq!(value.extract::<u8>().expect("an int"), 7);
        });
    }

    #[test]
    fn one_runtime_per_process_running_work_on_its_own_threads() {
        let first: *const Runtime = runtime();
        assert!(ptr::eq(first, runtime()));
        let name = runtime()
            .block_on(async {
                runtime()
                    .spawn(async { std::thread::current().name().map(str::to_owned) })
                    .await
            })
            .expect("the task ran");
        assert_eq!(name.as_deref(), Some("covet-aio"));
    }
}
