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
//! server.faults().throttle(5.0, 10); // 5 requests a second, bursts of 10, else 429
//! # }
//! ```
//!
//! Throttle mode stands for ConnectWise's own throttle: a token bucket of `burst` tokens,
//! refilled at `per_second` tokens a second, one taken by every request on arrival; a request
//! that finds it empty is answered 429 `TooManyRequests` with `Retry-After` in whole seconds
//! (rounded up, at least 1): the time until a token is back. A 429 takes no token. It is
//! checked before the one-shot faults, which a 429 of the throttle leaves pending.

use crate::generate::Rng;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

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
    throttle: Option<Bucket>,
}

/// The throttle mode's token bucket.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    per_second: f64,
    burst: f64,
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn new(per_second: f64, burst: u32) -> Bucket {
        let burst = f64::from(burst.max(1));
        Bucket {
            per_second,
            burst,
            tokens: burst,
            at: Instant::now(),
        }
    }

    /// Takes a token at `now`, or says how long until one is back.
    fn take(&mut self, now: Instant) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        self.at = self.at.max(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - self.tokens) / self.per_second,
            ))
        }
    }
}

/// The slowest throttle rate [`Faults::throttle`] takes: one request in 1,000 seconds.
const MIN_THROTTLE_RATE: f64 = 0.001;

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

    /// Throttle mode: at most `per_second` requests a second on average and `burst` at once
    /// (a token bucket, full at first), else 429 with `Retry-After` (see the module docs).
    /// Replaces any throttle set before, with a full bucket. A `burst` of 0 is taken as 1; a
    /// rate that is not a number above 0.001 (one request in 1,000 s) is taken as 0.001.
    pub fn throttle(&self, per_second: f64, burst: u32) -> &Self {
        let per_second = if per_second.is_nan() {
            MIN_THROTTLE_RATE
        } else {
            per_second.max(MIN_THROTTLE_RATE)
        };
        self.state().throttle = Some(Bucket::new(per_second, burst));
        self
    }

    /// Ends throttle mode.
    pub fn no_throttle(&self) -> &Self {
        self.state().throttle = None;
        self
    }

    /// Back to a well-behaved server (throttle mode off too).
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
        let throttled = match &mut s.throttle {
            Some(bucket) => bucket.take(Instant::now()).err(),
            None => None,
        };
        let fail = if let Some(wait) = throttled {
            // Whole seconds, rounded up: the client may come back when it says.
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            Some((429, Some(secs.max(1))))
        } else if s.too_many > 0 {
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

    #[test]
    fn the_bucket_allows_a_burst_then_the_rate() {
        let mut b = Bucket::new(2.0, 3);
        let t0 = b.at;
        for _ in 0..3 {
            assert_eq!(b.take(t0), Ok(()));
        }
        // Empty: a token is back in 500 ms.
        assert_eq!(b.take(t0), Err(Duration::from_millis(500)));
        let wait = b.take(t0 + Duration::from_millis(200)).unwrap_err();
        assert!(
            wait > Duration::from_micros(299_999) && wait < Duration::from_micros(300_001),
            "{wait:?}"
        );
        assert_eq!(b.take(t0 + Duration::from_millis(500)), Ok(()));
        assert!(b.take(t0 + Duration::from_millis(500)).is_err());
        // Never more than the burst, however long idle.
        let later = t0 + Duration::from_secs(60);
        for _ in 0..3 {
            assert_eq!(b.take(later), Ok(()));
        }
        assert!(b.take(later).is_err());
    }

    #[test]
    fn throttle_mode_answers_429_with_whole_seconds_and_keeps_one_shot_faults() {
        let f = Faults::default();
        f.throttle(0.5, 1).server_errors(1, 503);
        // The burst's one token goes to the first request, which then meets the 503.
        assert_eq!(f.plan().fail, Some((503, None)));
        // Empty: 2 s until the next token (a rate of 0.5 a second).
        assert_eq!(f.plan().fail, Some((429, Some(2))));
        f.no_throttle();
        assert_eq!(f.plan().fail, None);
        // A sub-second wait is rounded up to 1 s, never 0.
        f.throttle(1000.0, 1);
        assert_eq!(f.plan().fail, None);
        assert_eq!(f.plan().fail, Some((429, Some(1))));
        f.reset();
        assert_eq!(f.plan().fail, None);
        // Bad arguments are taken as the slowest rate and a burst of 1.
        f.throttle(f64::NAN, 0);
        assert_eq!(f.plan().fail, None);
        assert_eq!(f.plan().fail, Some((429, Some(1000))));
    }
}
