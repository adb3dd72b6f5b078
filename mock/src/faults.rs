//! Fault injection: what tests set at run time to see how a client copes with a slow or
//! failing server. Each one-shot fault applies to the next `n` requests (any path, bundles
//! included) and is used up; latency stays until changed.
//!
//! ```no_run
//! # async fn f(server: &connectwise_mock::MockServer) {
//! use std::time::Duration;
//! server.faults().latency(Duration::from_millis(50));
//! server.faults().too_many_requests(2, Duration::ZERO); // two 429s, then normal answers
//! server.faults().server_errors(1, 503);
//! # }
//! ```

use crate::generate::Rng;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// The fault settings of a running [`MockServer`](crate::MockServer); cheap to clone, shared
/// with the server.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    inner: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    latency: Option<(Duration, Duration)>,
    too_many: u32,
    retry_after: Duration,
    server_errors: u32,
    server_error_status: u16,
    truncate: u32,
    slow: u32,
    slow_chunk: usize,
    slow_pause: Duration,
    requests: u64,
}

/// What happens to one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Plan {
    pub latency: Duration,
    /// Answer with this status (429 or 5xx) instead; with `Retry-After` seconds for 429.
    pub fail: Option<(u16, Option<u64>)>,
    /// Send only the first half of the body.
    pub truncate: bool,
    /// Send the body in chunks of this size with this pause between them.
    pub slow: Option<(usize, Duration)>,
}

impl Faults {
    fn state(&self) -> MutexGuard<'_, State> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every answer waits this long before it starts (`Duration::ZERO`: none).
    pub fn latency(&self, latency: Duration) -> &Self {
        self.state().latency = (!latency.is_zero()).then_some((latency, latency));
        self
    }

    /// Every answer waits a random time in `min..=max` (seeded: the same sequence each run).
    pub fn latency_between(&self, min: Duration, max: Duration) -> &Self {
        self.state().latency = Some((min.min(max), max.max(min)));
        self
    }

    /// The next `times` requests get 429 Too Many Requests with `Retry-After` (whole
    /// seconds, rounded up; `Duration::ZERO` sends `Retry-After: 0`).
    pub fn too_many_requests(&self, times: u32, retry_after: Duration) -> &Self {
        let mut s = self.state();
        s.too_many = times;
        s.retry_after = retry_after;
        self
    }

    /// The next `times` requests get `status` (500, 502, 503, 504, ...) with an error body.
    pub fn server_errors(&self, times: u32, status: u16) -> &Self {
        let mut s = self.state();
        s.server_errors = times;
        s.server_error_status = status;
        self
    }

    /// The next `times` successful answers send only the first half of their body (with a
    /// matching `Content-Length`, so the client sees a body that is not valid JSON).
    pub fn truncate_bodies(&self, times: u32) -> &Self {
        self.state().truncate = times;
        self
    }

    /// The next `times` successful answers send their body in chunks of `chunk` bytes with
    /// `pause` between chunks.
    pub fn slow_bodies(&self, times: u32, chunk: usize, pause: Duration) -> &Self {
        let mut s = self.state();
        s.slow = times;
        s.slow_chunk = chunk.max(1);
        s.slow_pause = pause;
        self
    }

    /// Back to a well-behaved server.
    pub fn reset(&self) -> &Self {
        let mut s = self.state();
        let requests = s.requests;
        *s = State {
            requests,
            ..State::default()
        };
        self
    }

    /// Takes this request's faults (using up one of each pending one-shot fault).
    pub(crate) fn plan(&self) -> Plan {
        let mut s = self.state();
        s.requests += 1;
        let latency = match s.latency {
            None => Duration::ZERO,
            Some((min, max)) if min == max => min,
            Some((min, max)) => {
                let span = (max - min).as_micros() as u64;
                min + Duration::from_micros(Rng::new(&[s.requests]).below(span + 1))
            }
        };
        let fail = if s.too_many > 0 {
            s.too_many -= 1;
            let secs = s.retry_after.as_secs() + u64::from(s.retry_after.subsec_nanos() > 0);
            Some((429, Some(secs)))
        } else if s.server_errors > 0 {
            s.server_errors -= 1;
            Some((s.server_error_status, None))
        } else {
            None
        };
        let mut plan = Plan {
            latency,
            fail,
            ..Plan::default()
        };
        if plan.fail.is_none() {
            if s.truncate > 0 {
                s.truncate -= 1;
                plan.truncate = true;
            }
            if s.slow > 0 {
                s.slow -= 1;
                plan.slow = Some((s.slow_chunk, s.slow_pause));
            }
        }
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_shot_faults_are_used_up_in_order() {
        let f = Faults::default();
        f.too_many_requests(1, Duration::from_millis(1500))
            .server_errors(1, 503)
            .truncate_bodies(1);
        assert_eq!(f.plan().fail, Some((429, Some(2))));
        assert_eq!(f.plan().fail, Some((503, None)));
        let p = f.plan();
        assert_eq!((p.fail, p.truncate), (None, true));
        assert_eq!(f.plan(), Plan::default());
    }

    #[test]
    fn latency_range_stays_in_bounds() {
        let f = Faults::default();
        f.latency_between(Duration::from_millis(10), Duration::from_millis(20));
        for _ in 0..50 {
            let l = f.plan().latency;
            assert!(l >= Duration::from_millis(10) && l <= Duration::from_millis(20));
        }
        f.reset();
        assert_eq!(f.plan().latency, Duration::ZERO);
    }
}
