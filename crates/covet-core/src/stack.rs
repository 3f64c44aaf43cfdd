//! How much of the thread's stack the recursive parser and serializer may use, checked at
//! every nesting level for the price of a comparison.
//!
//! Both recurse once per container (the limit of 1024 levels needs about 300 KiB of stack in
//! a release build, several times that in a debug or sanitizer build), and the serializer
//! calls Python code on the way (`default`, a dataclass's fields, a tzinfo's `utcoffset`),
//! which needs stack of its own. A thread started with `threading.stack_size(32 * 1024)`, or
//! a small native thread, has far less: such a call must get its result or an exception,
//! never a crash. So before each level, and before each call into Python, the position of
//! the stack is compared with a floor; below it, the rest runs on a new segment (stacker).
//!
//! The floor is computed once per call (and once per new segment), not per level: the
//! bounds of the stack come from a thread-local, whose access in a shared library is a
//! call, where the comparison is two instructions.

/// Room that must be left below the current level: one level of the parser or serializer
/// (about 300 bytes in a release build, a few KiB in a debug or AddressSanitizer build) and
/// one call into Python code with what CPython needs to run it (measured: 1 to 2 KiB per
/// Python call in a release build, a few times that under a sanitizer), with a wide margin.
/// A thread with less than this left when `dumps` or `loads` starts runs the document on a
/// new segment from its root.
pub const RED_ZONE: usize = 256 * 1024;
/// The size of each new segment: a few thousand levels before the next one is needed.
pub const SEGMENT: usize = 4 * RED_ZONE;

/// The lowest stack address the next level may start at; below it, it runs on a new
/// segment.
#[derive(Clone, Copy)]
pub struct StackFloor(usize);

impl StackFloor {
    /// The floor of the stack the caller runs on: its lower bound plus the red zone. When
    /// the bound is unknown (a platform stacker cannot read it on), every check fails and
    /// the first level moves to a segment of known size, as `stacker::maybe_grow` does.
    pub fn here() -> Self {
        match stacker::remaining_stack() {
            Some(remaining) => Self(
                stack_position()
                    .saturating_sub(remaining)
                    .saturating_add(RED_ZONE),
            ),
            None => Self(usize::MAX),
        }
    }

    /// Whether the caller stands below the floor (stacks grow down on every platform this
    /// builds for).
    #[allow(clippy::inline_always)]
    #[inline(always)]
    pub fn reached(self) -> bool {
        stack_position() < self.0
    }
}

/// Something that recurses with a `StackFloor` of its own (the parser, the serializer).
pub trait Recursive {
    fn floor(&mut self) -> &mut StackFloor;
}

/// Runs `f` one level deeper: where it is, or on a new segment below the floor.
#[allow(clippy::inline_always)]
#[inline(always)]
pub fn nested<T: Recursive, R>(this: &mut T, f: impl FnOnce(&mut T) -> R) -> R {
    if this.floor().reached() {
        on_new_segment(this, f)
    } else {
        f(this)
    }
}

/// Runs `f` on a new segment, with the floor of that segment; the caller's floor is restored
/// afterwards.
#[cold]
#[inline(never)]
fn on_new_segment<T: Recursive, R>(this: &mut T, f: impl FnOnce(&mut T) -> R) -> R {
    stacker::grow(SEGMENT, || {
        // Inside `grow`, stacker's bounds are the new segment's.
        let outer = std::mem::replace(this.floor(), StackFloor::here());
        let result = f(this);
        *this.floor() = outer;
        result
    })
}

/// Runs `f`, one nesting level deeper, on a new stack segment if the thread's stack is
/// nearly used up. For recursions that keep no `StackFloor` (the case conversion of nested
/// keys); the parser and the serializer keep one instead, which checks every level for less.
pub fn with_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}

/// An address in the caller's frame: where the stack stands, give or take one frame.
#[allow(clippy::inline_always)]
#[inline(always)]
fn stack_position() -> usize {
    let marker = 0u8;
    // black_box: the marker must have an address on the stack, not live in a register.
    std::hint::black_box(&raw const marker) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Descent {
        floor: StackFloor,
        segments: usize,
    }

    impl Recursive for Descent {
        fn floor(&mut self) -> &mut StackFloor {
            &mut self.floor
        }
    }

    fn depth_reached(descent: &mut Descent, depth: usize, target: usize) -> usize {
        // A frame of a few hundred bytes per level, as the serializer's.
        let padding = std::hint::black_box([0u8; 256]);
        if depth == target {
            return depth + usize::from(padding[0]);
        }
        if descent.floor.reached() {
            descent.segments += 1;
        }
        nested(descent, |descent| depth_reached(descent, depth + 1, target))
    }

    #[test]
    fn deep_recursion_on_a_small_thread_moves_to_new_segments() {
        // 64 KiB of stack, far less than 100,000 levels of a few hundred bytes need.
        let (reached, segments) = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(|| {
                let mut descent = Descent {
                    floor: StackFloor::here(),
                    segments: 0,
                };
                let reached = depth_reached(&mut descent, 0, 100_000);
                (reached, descent.segments)
            })
            .expect("thread starts")
            .join()
            .expect("no overflow");
        assert_eq!(reached, 100_000);
        // 64 KiB is below the red zone: the first level already moves.
        assert!(segments > 1, "{segments} segments");
    }

    #[test]
    fn the_caller_floor_comes_back_after_a_new_segment() {
        let mut descent = Descent {
            floor: StackFloor::here(),
            segments: 0,
        };
        let before = descent.floor.0;
        assert!(!descent.floor.reached());
        let inner = on_new_segment(&mut descent, |descent| descent.floor.0);
        assert_ne!(inner, before);
        assert_eq!(descent.floor.0, before);
    }
}
