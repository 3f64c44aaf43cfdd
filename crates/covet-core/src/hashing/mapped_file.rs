//! A read-only memory map of a regular file that survives the file shrinking under it.
//!
//! Touching a page of a file mapping that lies past the file's current end raises SIGBUS,
//! whose default action kills the process: a file truncated while `blake3_file` hashed it
//! (log rotation with copytruncate, an upload being rewritten) did that. Jumping out of a
//! signal handler (`siglongjmp`) across Rust frames is undefined behaviour, so the handler
//! here never leaves by a jump. When the faulting address lies in a map this module watches,
//! it maps zero-filled anonymous pages over the rest of that map (`mmap` with `MAP_FIXED`)
//! and records that the map lost pages; the faulting load then runs again and reads zeros.
//! The hashing goes on over zeros to the end of its current window, finds the loss
//! ([`MappedFile::pages_lost`]) and reports the shrunk file as an error: no wrong digest is
//! ever returned. Any other SIGBUS goes to the handler that was installed before, or gets
//! the default action, exactly as if this module were not there.
//!
//! The handler is installed once, on first use, and a map is made only while it is still
//! the installed one: if other code has since replaced it (Python's `faulthandler` enabled
//! later, `signal.signal(SIGBUS, ...)`), [`MappedFile::map`] returns None and the caller
//! reads the file instead, which is always safe.
//!
//! What the handler does is async-signal-safe: atomic loads and stores, and `mmap`, which
//! is not on POSIX's list but is a plain system call on Linux (glibc, musl) and macOS that
//! takes no user-space lock. It saves and restores `errno`.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::ptr;
use std::sync::atomic::{fence, AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::OnceLock;

use libc::{c_int, c_void, sigaction, siginfo_t};

/// Maps watched at once; beyond that, files are read (a free slot is found in one pass).
const WATCH_SLOTS: usize = 64;

const FREE: u8 = 0;
const BUSY: u8 = 1;
const WATCHED: u8 = 2;

/// One watched map. `start`/`end` are published under a sequence lock (odd while they
/// change) so that the handler never acts on a range torn between two uses of the slot.
struct Watch {
    state: AtomicU8,
    sequence: AtomicUsize,
    start: AtomicUsize,
    end: AtomicUsize,
    lost: AtomicBool,
}

impl Watch {
    const fn new() -> Self {
        Self {
            state: AtomicU8::new(FREE),
            sequence: AtomicUsize::new(0),
            start: AtomicUsize::new(0),
            end: AtomicUsize::new(0),
            lost: AtomicBool::new(false),
        }
    }

    /// `[start, end)` when the slot watches a map and was read consistently.
    fn watched_range(&self) -> Option<(usize, usize)> {
        let before = self.sequence.load(Ordering::Acquire);
        if before % 2 == 1 || self.state.load(Ordering::Acquire) != WATCHED {
            return None;
        }
        let range = (
            self.start.load(Ordering::Relaxed),
            self.end.load(Ordering::Relaxed),
        );
        fence(Ordering::Acquire);
        (self.sequence.load(Ordering::Relaxed) == before).then_some(range)
    }

    fn publish(&self, start: usize, end: usize) {
        self.sequence.fetch_add(1, Ordering::Relaxed);
        fence(Ordering::Release);
        self.start.store(start, Ordering::Relaxed);
        self.end.store(end, Ordering::Relaxed);
        self.lost.store(false, Ordering::Relaxed);
        self.sequence.fetch_add(1, Ordering::Release);
        self.state.store(WATCHED, Ordering::Release);
    }
}

static WATCHES: [Watch; WATCH_SLOTS] = [const { Watch::new() }; WATCH_SLOTS];
static PAGE_SIZE: AtomicUsize = AtomicUsize::new(0);
/// The SIGBUS action in place before ours, for every SIGBUS that is not ours.
static PREVIOUS_ACTION: OnceLock<sigaction> = OnceLock::new();

/// A read-only shared map of the first `len` bytes of a regular file, watched for lost
/// pages while it lives.
pub struct MappedFile {
    start: *mut c_void,
    len: usize,
    slot: &'static Watch,
}

// SAFETY: the map is plain read-only memory owned by this value; the slot is atomics only.
unsafe impl Send for MappedFile {}
// SAFETY: as above; `&MappedFile` only reads.
unsafe impl Sync for MappedFile {}

impl MappedFile {
    /// Maps the first `len` (> 0) bytes of `file`; None when mapping is not possible or
    /// not guarded here (no free slot, the handler replaced or not installable, `mmap`
    /// refused: out of address space, a file system without mmap), and the caller should
    /// read the file.
    ///
    /// # Safety
    /// The mapped bytes can change while they are borrowed: another process may write the
    /// file, and lost pages read as zeros. The caller must only hash them (as the `blake3`
    /// crate's own `update_mmap` does), never rely on two reads agreeing.
    pub unsafe fn map(file: &File, len: usize) -> Option<Self> {
        if len == 0 || !handler_in_place() {
            return None;
        }
        let slot = WATCHES.iter().find(|watch| {
            watch
                .state
                .compare_exchange(FREE, BUSY, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        })?;
        // SAFETY: a fresh read-only shared mapping of an open file descriptor; the kernel
        // chooses the address.
        let start = unsafe {
            libc::mmap(
                ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_SHARED,
                file.as_raw_fd(),
                0,
            )
        };
        if start == libc::MAP_FAILED {
            slot.state.store(FREE, Ordering::Release);
            return None;
        }
        slot.publish(start as usize, start as usize + len);
        Some(Self { start, len, slot })
    }

    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `start` is a live mapping of `len` readable bytes until `drop`; see `map`
        // for why its contents may change.
        unsafe { std::slice::from_raw_parts(self.start.cast::<u8>(), self.len) }
    }

    /// Whether pages of the map were found gone (the file shrank) and replaced by zeros.
    pub fn pages_lost(&self) -> bool {
        self.slot.lost.load(Ordering::Acquire)
    }
}

impl Drop for MappedFile {
    fn drop(&mut self) {
        // Unwatched before unmapped, so the handler never maps over an address range that
        // has been given back to the process.
        self.slot.state.store(BUSY, Ordering::Release);
        // SAFETY: the mapping made in `map`, unmapped once; no borrow of it outlives `self`.
        unsafe { libc::munmap(self.start, self.len) };
        self.slot.state.store(FREE, Ordering::Release);
    }
}

/// Whether our handler is the installed SIGBUS action (installing it on first use).
fn handler_in_place() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    if !*INSTALLED.get_or_init(install_handler) {
        return false;
    }
    // SAFETY: a plain C struct, for which all-zero bytes are a valid value.
    let mut current: sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: a query: the new action is null, the old one is written to a local.
    let queried = unsafe { libc::sigaction(libc::SIGBUS, ptr::null(), &raw mut current) };
    queried == 0 && current.sa_sigaction == handler_address()
}

fn install_handler() -> bool {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    let Ok(page) = usize::try_from(page) else {
        return false;
    };
    if !page.is_power_of_two() {
        return false;
    }
    PAGE_SIZE.store(page, Ordering::Relaxed);
    // SAFETY: plain C structs, filled in before use; sigaction with valid pointers.
    unsafe {
        let mut previous: sigaction = std::mem::zeroed();
        if libc::sigaction(libc::SIGBUS, ptr::null(), &raw mut previous) != 0 {
            return false;
        }
        // Recorded before ours is installed, so the handler always finds it.
        let _ = PREVIOUS_ACTION.set(previous);
        let mut action: sigaction = std::mem::zeroed();
        action.sa_sigaction = handler_address();
        action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
        libc::sigemptyset(&raw mut action.sa_mask);
        libc::sigaction(libc::SIGBUS, &raw const action, ptr::null_mut()) == 0
    }
}

/// `on_sigbus` as a `sigaction` holds it.
fn handler_address() -> usize {
    on_sigbus as *const () as usize
}

extern "C" fn on_sigbus(signal: c_int, info: *mut siginfo_t, context: *mut c_void) {
    let saved_errno = errno();
    // SAFETY: the kernel passes a valid siginfo_t to an SA_SIGINFO handler.
    let (code, address) = unsafe { ((*info).si_code, fault_address(info)) };
    // si_code > 0: raised by the kernel for a fault (not sent by kill or raise).
    let ours = code > 0 && replace_lost_pages(address);
    set_errno(saved_errno);
    if !ours {
        // SAFETY: the arguments are the ones the kernel gave us.
        unsafe { chain(signal, code, info, context) };
    }
}

/// Maps zeros over the rest of the watched map holding `address`, if one does.
fn replace_lost_pages(address: usize) -> bool {
    for watch in &WATCHES {
        let Some((start, end)) = watch.watched_range() else {
            continue;
        };
        if address < start || address >= end {
            continue;
        }
        let page = address & !(PAGE_SIZE.load(Ordering::Relaxed) - 1);
        // SAFETY: `[page, end)` lies within a live map of this module: the faulting thread
        // is reading it, and a map is unwatched before it is unmapped. MAP_FIXED replaces
        // those pages (and only those) with private zero pages.
        let zeros = unsafe {
            libc::mmap(
                page as *mut c_void,
                end - page,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        if zeros == libc::MAP_FAILED {
            return false;
        }
        watch.lost.store(true, Ordering::Release);
        return true;
    }
    false
}

/// Hands a SIGBUS that is not ours to the action that was installed before ours.
///
/// # Safety
/// Called from the signal handler with the arguments the kernel passed it.
unsafe fn chain(signal: c_int, code: c_int, info: *mut siginfo_t, context: *mut c_void) {
    let Some(previous) = PREVIOUS_ACTION.get() else {
        return;
    };
    match previous.sa_sigaction {
        libc::SIG_IGN if code <= 0 => {}
        libc::SIG_DFL | libc::SIG_IGN => {
            // Back to that disposition: a fault runs again when the handler returns and then
            // gets the default action (the kernel makes an ignored fault fatal); a SIGBUS
            // sent with kill() is raised again.
            // SAFETY: restoring a valid action read from the kernel; raise is async-signal-safe.
            unsafe {
                libc::sigaction(signal, previous, ptr::null_mut());
                if code <= 0 {
                    libc::raise(signal);
                }
            }
        }
        handler if previous.sa_flags & libc::SA_SIGINFO != 0 => {
            // SAFETY: an SA_SIGINFO action's handler has this signature.
            let handler: extern "C" fn(c_int, *mut siginfo_t, *mut c_void) =
                unsafe { std::mem::transmute(handler) };
            handler(signal, info, context);
        }
        handler => {
            // SAFETY: a plain action's handler has this signature.
            let handler: extern "C" fn(c_int) = unsafe { std::mem::transmute(handler) };
            handler(signal);
        }
    }
}

/// # Safety
/// `info` is the siginfo_t of a SIGBUS.
unsafe fn fault_address(info: *const siginfo_t) -> usize {
    #[cfg(target_os = "linux")]
    // SAFETY: SIGBUS fills in si_addr.
    return unsafe { (*info).si_addr() } as usize;
    #[cfg(target_os = "macos")]
    // SAFETY: as above.
    return unsafe { (*info).si_addr } as usize;
}

fn errno() -> c_int {
    // SAFETY: the calling thread's errno location is always valid.
    #[cfg(target_os = "linux")]
    return unsafe { *libc::__errno_location() };
    #[cfg(target_os = "macos")]
    return unsafe { *libc::__error() };
}

fn set_errno(value: c_int) {
    // SAFETY: the calling thread's errno location is always valid.
    #[cfg(target_os = "linux")]
    unsafe {
        *libc::__errno_location() = value;
    }
    #[cfg(target_os = "macos")]
    unsafe {
        *libc::__error() = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_of(len: usize, name: &str) -> (std::path::PathBuf, File) {
        let path = std::env::temp_dir().join(format!("covet-map-{}-{name}", std::process::id()));
        let mut file = File::create(&path).unwrap();
        file.write_all(&vec![7; len]).unwrap();
        (path.clone(), File::open(&path).unwrap())
    }

    #[test]
    fn reads_the_file() {
        let (path, file) = file_of(3 * 4096 + 5, "read");
        // SAFETY: nothing writes the file meanwhile.
        let map = unsafe { MappedFile::map(&file, 3 * 4096 + 5) }.expect("mapped");
        assert!(map.bytes().iter().all(|&b| b == 7));
        assert!(!map.pages_lost());
        drop(map);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn pages_past_the_new_end_read_as_zeros_and_are_reported() {
        // SAFETY: sysconf has no preconditions.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap();
        let len = 64 * page;
        let (path, file) = file_of(len, "shrink");
        // SAFETY: the test reads the bytes only to check them.
        let map = unsafe { MappedFile::map(&file, len) }.expect("mapped");
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(10 * page as u64 + 1)
            .unwrap();
        let bytes = map.bytes();
        // Still in the file: the page holding the new end reads the file (zeros past it).
        assert_eq!(bytes[10 * page], 7);
        assert_eq!(bytes[10 * page + 1], 0);
        assert!(!map.pages_lost());
        // Past it: the page is gone; the handler maps zeros instead of the process dying.
        assert_eq!(std::hint::black_box(bytes[20 * page]), 0);
        assert!(map.pages_lost());
        assert!(bytes[11 * page..].iter().all(|&b| b == 0));
        drop(map);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn an_empty_length_is_not_mapped() {
        let (path, file) = file_of(0, "empty");
        // SAFETY: nothing is mapped.
        assert!(unsafe { MappedFile::map(&file, 0) }.is_none());
        std::fs::remove_file(path).unwrap();
    }
}
