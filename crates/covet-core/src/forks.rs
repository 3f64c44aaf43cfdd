//! Which side of a `fork()` this process is on: a counter that each forked child
//! increments before `fork()` returns in it, so that state a parent's threads may have been
//! using at the fork (a key in the middle of a signature, a pool of threads that the child
//! does not have) is recognized in the child and left alone.
//!
//! Cheaper than comparing process ids where it is read on every call: `getpid()` is a
//! system call each time (glibc no longer caches it); this is one atomic load.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Once;

static GENERATION: AtomicU64 = AtomicU64::new(0);

#[cfg(unix)]
extern "C" fn in_child() {
    // An atomic increment: async-signal-safe, as the child handler of a fork from a
    // multi-threaded process must be.
    GENERATION.fetch_add(1, Ordering::Relaxed);
}

/// How many forks led to this process since the counter was first read in an ancestor
/// (0 on platforms without `fork`). State tagged with one value and read under another was
/// made before a fork, by the parent.
pub fn generation() -> u64 {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        #[cfg(unix)]
        // SAFETY: registers a child handler that only increments an atomic; a failure to
        // register (ENOMEM) leaves the counter at 0, as on a platform without fork.
        unsafe {
            libc::pthread_atfork(None, None, Some(in_child));
        }
    });
    GENERATION.load(Ordering::Relaxed)
}

#[cfg(all(test, unix))]
mod tests {
    use super::generation;

    #[test]
    fn a_forked_child_sees_the_next_generation_and_the_parent_keeps_its_own() {
        let before = generation();
        // SAFETY: the child only reads an atomic and calls `_exit`, both async-signal-safe,
        // as the child of a multi-threaded process (the test harness) must be.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let code = i32::from(generation() != before + 1);
            // SAFETY: ends the child at once, running nothing of the parent's.
            unsafe { libc::_exit(code) };
        }
        let mut status = 0;
        // SAFETY: waits for the child just made; `status` is a valid out-pointer.
        assert_eq!(unsafe { libc::waitpid(pid, &raw mut status, 0) }, pid);
        assert!(libc::WIFEXITED(status), "the child did not exit: {status}");
        assert_eq!(
            libc::WEXITSTATUS(status),
            0,
            "the child saw the same generation"
        );
        assert_eq!(generation(), before);
    }
}
