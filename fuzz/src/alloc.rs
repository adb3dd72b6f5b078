//! A counting global allocator: the system allocator, keeping the live heap bytes and their
//! high-water mark, so that the engine can read how much memory one input needed.
//!
//! It is this crate's `#[global_allocator]`, so it is in force in the fuzz binary and in this
//! crate's tests. Allocations of every thread count (the spec loader parses on a thread of
//! its own), so the engine runs one input at a time.
//!
//! Besides the soft per-input limit the engine checks after each input, there is a hard
//! limit: while an input is [armed](arm), an allocation that would take the input past it
//! does not happen. The allocating thread parks instead and the [watchdog](crate::engine)
//! reports the input and ends the process, rather than the machine running out of memory.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

/// The system allocator, counted.
pub struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Live bytes when the armed input started.
static BASELINE: AtomicUsize = AtomicUsize::new(0);
/// The hard limit above the baseline, while an input is armed (0: not armed).
static HARD_LIMIT: AtomicUsize = AtomicUsize::new(0);
/// Set when the hard limit stopped an allocation.
static BLOWN: AtomicBool = AtomicBool::new(false);

impl Counting {
    /// Counts `n` more bytes, unless that passes the hard limit of an armed input: then the
    /// calling thread parks for good (the watchdog ends the process).
    fn grow(n: usize) {
        let limit = HARD_LIMIT.load(Relaxed);
        if limit != 0 {
            let over = CURRENT
                .load(Relaxed)
                .saturating_add(n)
                .saturating_sub(BASELINE.load(Relaxed));
            if over > limit {
                BLOWN.store(true, Relaxed);
                loop {
                    // Sleeping does not allocate; the watchdog exits the process.
                    std::thread::sleep(std::time::Duration::from_secs(1));
                }
            }
        }
        let now = CURRENT.fetch_add(n, Relaxed) + n;
        PEAK.fetch_max(now, Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Counting::grow(layout.size());
        let p = System.alloc(layout);
        if p.is_null() {
            CURRENT.fetch_sub(layout.size(), Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Counting::grow(layout.size());
        let p = System.alloc_zeroed(layout);
        if p.is_null() {
            CURRENT.fetch_sub(layout.size(), Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        CURRENT.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            Counting::grow(new_size - layout.size());
        }
        let p = System.realloc(ptr, layout, new_size);
        if p.is_null() {
            if new_size > layout.size() {
                CURRENT.fetch_sub(new_size - layout.size(), Relaxed);
            }
        } else if new_size < layout.size() {
            CURRENT.fetch_sub(layout.size() - new_size, Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts counting one input: its peak is measured from the bytes live now, and with
/// `hard_limit` > 0 no allocation may take it more than `hard_limit` bytes above them.
pub fn arm(hard_limit: usize) {
    let now = CURRENT.load(Relaxed);
    BASELINE.store(now, Relaxed);
    PEAK.store(now, Relaxed);
    HARD_LIMIT.store(hard_limit, Relaxed);
}

/// Stops counting the input; returns its peak, in bytes above what was live when it started.
pub fn disarm() -> usize {
    HARD_LIMIT.store(0, Relaxed);
    PEAK.load(Relaxed).saturating_sub(BASELINE.load(Relaxed))
}

/// Whether the hard limit stopped an allocation (the watchdog's question).
pub fn blown() -> bool {
    BLOWN.load(Relaxed)
}

/// Live heap bytes.
pub fn live() -> usize {
    CURRENT.load(Relaxed)
}
