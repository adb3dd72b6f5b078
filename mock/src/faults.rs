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
//!
//! Random faults ([`Faults::random`], [`RandomFaults`]) give each request one fault (or none)
//! drawn with the given odds, a function of the seed and the request's arrival number (the
//! same sequence of faults each run, in arrival order), after the throttle and one-shot
//! faults: a 429, a 5xx before or after the request was acted on, a truncated, slow or
//! dropped body, and latency. [`Faults::injected`] counts what was injected, by kind, and each
//! [`RecordedRequest`](crate::RecordedRequest) says which fault its request got.

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
    dropped: u32,
    failed_after: u32,
    requests: u64,
    throttle: Option<Bucket>,
    random: Option<RandomFaults>,
    injected: Injected,
}

/// The kind of fault a request got (at most one besides latency), as recorded in
/// [`RecordedRequest::fault`](crate::RecordedRequest::fault).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FaultKind {
    /// Answered 429 Too Many Requests (throttle mode or injected) before it was acted on.
    TooManyRequests,
    /// Answered 5xx before it was acted on.
    ServerError,
    /// Acted on (a write is applied), then answered 5xx instead of its answer: a proxy's 502
    /// after the origin's answer was lost.
    ServerErrorAfter,
    /// Acted on; only the first half of the body sent, with a matching `Content-Length`.
    Truncated,
    /// Acted on; the body sent in small chunks with pauses between them.
    Slow,
    /// Acted on; the first half of the body sent, then the connection dropped (the
    /// `Content-Length` announces the whole body).
    Dropped,
}

impl FaultKind {
    /// Whether the request was acted on (reached its endpoint: a write was applied).
    pub fn acted_on(self) -> bool {
        !matches!(self, FaultKind::TooManyRequests | FaultKind::ServerError)
    }
}

/// Random faults: the odds (0.0 to 1.0) that a request gets each kind, and their settings.
/// The kinds exclude each other (their odds are added: at most 1.0 in all); latency is drawn
/// apart and adds to any of them. See [`Faults::random`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RandomFaults {
    /// What the draws are a function of (with the request's arrival number).
    pub seed: u64,
    /// 429 with `Retry-After` of [`retry_after`](Self::retry_after), before acting.
    pub too_many_requests: f64,
    /// 500, 502, 503 or 504 (drawn evenly), before acting.
    pub server_error: f64,
    /// 502 or 504 after acting: the write is applied, its answer lost.
    pub server_error_after: f64,
    /// Half of the body, with a matching `Content-Length`.
    pub truncated: f64,
    /// The body in chunks of [`slow_chunk`](Self::slow_chunk) bytes,
    /// [`slow_pause`](Self::slow_pause) apart.
    pub slow: f64,
    /// Half of the body, then the connection dropped.
    pub dropped: f64,
    /// The odds of a latency drawn from [`latency`](Self::latency) before the answer starts.
    pub latency_odds: f64,
    /// The latency range, `min..=max`.
    pub latency: (Duration, Duration),
    /// `Retry-After` of the 429s (whole seconds, rounded up).
    pub retry_after: Duration,
    /// The size of each chunk of a slow body, in bytes.
    pub slow_chunk: usize,
    /// The pause between two chunks of a slow body.
    pub slow_pause: Duration,
}

impl Default for RandomFaults {
    /// Seed 0; 3% of each kind of fault; 10% of the requests delayed by 1 to 20 ms;
    /// `Retry-After: 0`; slow bodies in chunks of 512 bytes 2 ms apart.
    fn default() -> Self {
        RandomFaults {
            seed: 0,
            too_many_requests: 0.03,
            server_error: 0.03,
            server_error_after: 0.03,
            truncated: 0.03,
            slow: 0.03,
            dropped: 0.03,
            latency_odds: 0.1,
            latency: (Duration::from_millis(1), Duration::from_millis(20)),
            retry_after: Duration::ZERO,
            slow_chunk: 512,
            slow_pause: Duration::from_millis(2),
        }
    }
}

/// How many faults of each kind the server injected (see [`Faults::injected`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Injected {
    /// Requests delayed by a latency.
    pub delayed: u64,
    /// Requests answered 429 before acting.
    pub too_many_requests: u64,
    /// Requests answered 5xx before acting.
    pub server_errors: u64,
    /// Requests acted on, then answered 502 or 504.
    pub server_errors_after: u64,
    /// Answers cut to half their body.
    pub truncated: u64,
    /// Answers sent slowly, in small chunks.
    pub slow: u64,
    /// Answers whose connection was dropped mid-body.
    pub dropped: u64,
}

impl Injected {
    /// Every fault but latency.
    pub fn total(&self) -> u64 {
        self.too_many_requests
            + self.server_errors
            + self.server_errors_after
            + self.truncated
            + self.slow
            + self.dropped
    }
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
    /// Send the first half of the body, then drop the connection.
    pub drop: bool,
    /// Act on the request, then answer this status instead of its answer.
    pub fail_after: Option<u16>,
}

impl Plan {
    /// The fault this plan injects (latency aside).
    pub fn kind(&self) -> Option<FaultKind> {
        match self.fail {
            Some((429, _)) => Some(FaultKind::TooManyRequests),
            Some(_) => Some(FaultKind::ServerError),
            None if self.fail_after.is_some() => Some(FaultKind::ServerErrorAfter),
            None if self.drop => Some(FaultKind::Dropped),
            None if self.truncate => Some(FaultKind::Truncated),
            None if self.slow.is_some() => Some(FaultKind::Slow),
            None => None,
        }
    }
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

    /// The next `times` successful answers send the first half of their body, then drop the
    /// connection (the `Content-Length` announces the whole body).
    pub fn drop_bodies(&self, times: u32) -> &Self {
        self.state().dropped = times;
        self
    }

    /// The next `times` requests are acted on (a write is applied), then answered 502 instead
    /// of their answer.
    pub fn server_errors_after(&self, times: u32) -> &Self {
        self.state().failed_after = times;
        self
    }

    /// Random faults from now on (see [`RandomFaults`]), instead of any set before; `None`
    /// ends them. Throttle mode and pending one-shot faults come first.
    pub fn random(&self, faults: Option<RandomFaults>) -> &Self {
        self.state().random = faults;
        self
    }

    /// How many faults of each kind were injected since the server started (not reset by
    /// [`reset`](Self::reset)).
    pub fn injected(&self) -> Injected {
        self.state().injected
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
        let injected = s.injected;
        *s = State {
            requests,
            injected,
            ..State::default()
        };
        self
    }

    /// Takes this request's faults (using up one of each pending one-shot fault).
    pub(crate) fn plan(&self) -> Plan {
        let mut s = self.state();
        s.requests += 1;
        let mut latency = match s.latency {
            None => Duration::ZERO,
            Some((min, max)) => draw_between(&mut Rng::new(&[s.requests]), min, max),
        };
        let throttled = match &mut s.throttle {
            Some(bucket) => bucket.take(Instant::now()).err(),
            None => None,
        };
        let fail = if let Some(wait) = throttled {
            Some((429, Some(whole_seconds(wait).max(1))))
        } else if s.too_many > 0 {
            s.too_many -= 1;
            Some((429, Some(whole_seconds(s.retry_after))))
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
            if s.failed_after > 0 {
                s.failed_after -= 1;
                plan.fail_after = Some(502);
            } else if s.dropped > 0 {
                s.dropped -= 1;
                plan.drop = true;
            } else {
                if s.truncate > 0 {
                    s.truncate -= 1;
                    plan.truncate = true;
                }
                if s.slow > 0 {
                    s.slow -= 1;
                    plan.slow = Some((s.slow_chunk, s.slow_pause));
                }
            }
        }
        if let (Some(r), None) = (s.random, plan.kind()) {
            let mut rng = Rng::new(&[r.seed, s.requests]);
            let roll = unit(&mut rng);
            let mut edge = 0.0;
            let mut hit = |odds: f64| {
                let lower = edge;
                edge += odds.max(0.0);
                roll >= lower && roll < edge
            };
            if hit(r.too_many_requests) {
                plan.fail = Some((429, Some(whole_seconds(r.retry_after))));
            } else if hit(r.server_error) {
                plan.fail = Some(([500, 502, 503, 504][rng.below(4) as usize], None));
            } else if hit(r.server_error_after) {
                plan.fail_after = Some([502, 504][rng.below(2) as usize]);
            } else if hit(r.truncated) {
                plan.truncate = true;
            } else if hit(r.slow) {
                plan.slow = Some((r.slow_chunk.max(1), r.slow_pause));
            } else if hit(r.dropped) {
                plan.drop = true;
            }
            if unit(&mut rng) < r.latency_odds {
                latency += draw_between(&mut rng, r.latency.0, r.latency.1);
                plan.latency = latency;
            }
        }
        let injected = &mut s.injected;
        if !plan.latency.is_zero() {
            injected.delayed += 1;
        }
        match plan.kind() {
            Some(FaultKind::TooManyRequests) => injected.too_many_requests += 1,
            Some(FaultKind::ServerError) => injected.server_errors += 1,
            Some(FaultKind::ServerErrorAfter) => injected.server_errors_after += 1,
            Some(FaultKind::Truncated) => injected.truncated += 1,
            Some(FaultKind::Slow) => injected.slow += 1,
            Some(FaultKind::Dropped) => injected.dropped += 1,
            None => {}
        }
        plan
    }
}

/// Whole seconds, rounded up.
fn whole_seconds(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// A number in `0.0..1.0`.
fn unit(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A duration in `min..=max` (either order).
fn draw_between(rng: &mut Rng, min: Duration, max: Duration) -> Duration {
    let (min, max) = (min.min(max), max.max(min));
    if min == max {
        return min;
    }
    let span = (max - min).as_micros() as u64;
    min + Duration::from_micros(rng.below(span + 1))
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

    #[test]
    fn random_faults_follow_the_seed_and_their_odds() {
        let draw = |seed| {
            let f = Faults::default();
            f.random(Some(RandomFaults {
                seed,
                ..RandomFaults::default()
            }));
            let kinds: Vec<Option<FaultKind>> = (0..4000).map(|_| f.plan().kind()).collect();
            (kinds, f.injected())
        };
        let (a, counts) = draw(7);
        assert_eq!(a, draw(7).0, "the same seed, the same faults");
        assert_ne!(a, draw(8).0);
        // 3% of 4000 each: 120 expected.
        for n in [
            counts.too_many_requests,
            counts.server_errors,
            counts.server_errors_after,
            counts.truncated,
            counts.slow,
            counts.dropped,
        ] {
            assert!((60..=200).contains(&n), "{counts:?}");
        }
        assert!((250..=550).contains(&counts.delayed), "{counts:?}");
        assert_eq!(
            a.iter().filter(|k| k.is_some()).count() as u64,
            counts.total()
        );
        let f = Faults::default();
        f.random(Some(RandomFaults {
            server_error: 1.0,
            ..RandomFaults::default()
        }));
        assert!(matches!(f.plan().fail, Some((500..=504, None))));
        f.random(None);
        assert_eq!(f.plan(), Plan::default());
    }

    #[test]
    fn dropped_and_failed_after_are_one_shot_and_acted_on() {
        let f = Faults::default();
        f.drop_bodies(1).server_errors_after(1);
        let p = f.plan();
        assert_eq!(p.kind(), Some(FaultKind::ServerErrorAfter));
        assert_eq!(p.fail_after, Some(502));
        assert_eq!(f.plan().kind(), Some(FaultKind::Dropped));
        assert_eq!(f.plan().kind(), None);
        assert!(FaultKind::Dropped.acted_on() && FaultKind::ServerErrorAfter.acted_on());
        assert!(!FaultKind::TooManyRequests.acted_on() && !FaultKind::ServerError.acted_on());
        assert_eq!(f.injected().dropped, 1);
        f.reset();
        assert_eq!(
            f.injected().server_errors_after,
            1,
            "reset keeps the counts"
        );
    }
}
