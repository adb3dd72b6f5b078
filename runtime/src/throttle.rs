//! The client's throttle, shared by every clone of a [`Client`](crate::Client): a rate limit
//! (requests paced evenly, `60 s / requests_per_minute` apart), a concurrency limit (a
//! semaphore whose permit is held for one HTTP exchange), and the pause after a 429 (no
//! request of the client is sent until the `Retry-After` has passed).
//!
//! A request first takes a concurrency permit, then waits for the end of any pause, then for
//! its rate slot (reserved at once, so that concurrent requests get successive slots); a pause
//! that starts meanwhile is waited for too, and the slot taken again after it. A request
//! whose wait would exceed what its call has left of `max_throttle_wait` is not sent: when
//! the wait is known in advance (a rate slot, a pause) it fails at once, without waiting;
//! a wait for a permit fails when the budget runs out.

pub use crate::error::ThrottleCause;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Why [`Throttle::acquire`] gave up: the wait would go beyond the call's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OverBudget {
    /// What the request was waiting for.
    pub cause: ThrottleCause,
    /// How long this acquire waited before giving up.
    pub waited: Duration,
    /// How long this acquire would have waited in all, when known (rate slot, pause).
    pub would_wait: Option<Duration>,
}

/// The throttle of one client and all its clones.
#[derive(Debug)]
pub(crate) struct Throttle {
    /// Between two requests' sends; `None`: no rate limit.
    interval: Option<Duration>,
    permits: Arc<Semaphore>,
    max_concurrency: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The earliest time the next rate slot may be given.
    next_slot: Option<Instant>,
    /// No request is sent before this (set by 429s).
    paused_until: Option<Instant>,
}

/// Leave to send one request: hold it for the whole HTTP exchange.
#[derive(Debug)]
pub(crate) struct Permit {
    _permit: OwnedSemaphorePermit,
}

impl Throttle {
    /// `requests_per_minute` 0: no rate limit; `max_concurrency` 0 is taken as 1.
    pub fn new(requests_per_minute: u32, max_concurrency: usize) -> Throttle {
        let max_concurrency = max_concurrency.clamp(1, Semaphore::MAX_PERMITS);
        Throttle {
            interval: (requests_per_minute > 0)
                .then(|| Duration::from_secs(60) / requests_per_minute),
            permits: Arc::new(Semaphore::new(max_concurrency)),
            max_concurrency,
            state: Mutex::new(State::default()),
        }
    }

    /// The time between two sends under the rate limit (`None`: no rate limit).
    pub fn interval(&self) -> Option<Duration> {
        self.interval
    }

    pub fn max_concurrency(&self) -> usize {
        self.max_concurrency
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// No request of this throttle is sent for `wait` from now (a longer pause already set
    /// stays).
    pub fn pause(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut s = self.state();
        if s.paused_until.map_or(true, |p| p < until) {
            s.paused_until = Some(until);
        }
    }

    /// How long from now no request is sent because of a 429 (`None`: not paused).
    pub fn paused_for(&self) -> Option<Duration> {
        let now = Instant::now();
        self.state()
            .paused_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    /// Waits for leave to send one request, at most `budget` in all.
    pub async fn acquire(&self, budget: Duration) -> Result<Permit, OverBudget> {
        let started = Instant::now();
        let deadline = started + budget;
        let permit =
            match tokio::time::timeout_at(deadline, self.permits.clone().acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                // Timed out, or closed (never: the semaphore is not closed while we hold it).
                _ => {
                    return Err(OverBudget {
                        cause: ThrottleCause::Concurrency,
                        waited: started.elapsed(),
                        would_wait: None,
                    })
                }
            };
        loop {
            let now = Instant::now();
            let (go_at, cause) = {
                let mut s = self.state();
                match s.paused_until {
                    Some(until) if until > now => (until, ThrottleCause::Paused),
                    _ => match self.interval {
                        None => (now, ThrottleCause::RateLimit),
                        Some(interval) => {
                            let slot = s.next_slot.map_or(now, |n| n.max(now));
                            if slot > deadline {
                                // Not reserved: the slot stays for a request that can wait.
                                (slot, ThrottleCause::RateLimit)
                            } else {
                                s.next_slot = Some(slot + interval);
                                (slot, ThrottleCause::RateLimit)
                            }
                        }
                    },
                }
            };
            if go_at > deadline {
                return Err(OverBudget {
                    cause,
                    waited: now - started,
                    would_wait: Some(go_at - started),
                });
            }
            if go_at > now {
                tokio::time::sleep_until(go_at).await;
            }
            if cause == ThrottleCause::RateLimit {
                // A 429 may have paused the client while this request waited for its slot.
                let paused = self
                    .state()
                    .paused_until
                    .is_some_and(|until| until > Instant::now());
                if !paused {
                    return Ok(Permit { _permit: permit });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const MINUTE: u32 = 60;

    /// Acquires with a large budget and returns the time (since `t0`) the permit came.
    async fn go_time(throttle: &Throttle, t0: Instant) -> Duration {
        let _permit = throttle.acquire(Duration::from_secs(3600)).await.unwrap();
        t0.elapsed()
    }

    #[tokio::test(start_paused = true)]
    async fn paused_for_counts_down_and_a_shorter_pause_does_not_cut_a_longer_one() {
        let t = Throttle::new(0, 4);
        assert_eq!(t.paused_for(), None);
        t.pause(Duration::from_secs(2));
        assert_eq!(t.paused_for(), Some(Duration::from_secs(2)));
        tokio::time::sleep(Duration::from_millis(500)).await;
        t.pause(Duration::from_secs(1));
        assert_eq!(t.paused_for(), Some(Duration::from_millis(1500)));
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(t.paused_for(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn no_rate_limit_sends_at_once() {
        let t = Throttle::new(0, 4);
        assert_eq!(t.interval(), None);
        let t0 = Instant::now();
        for _ in 0..100 {
            assert_eq!(go_time(&t, t0).await, Duration::ZERO);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn rate_limit_paces_requests_evenly() {
        // 120 a minute: one every 500 ms, the first at once.
        let t = Arc::new(Throttle::new(2 * MINUTE, 100));
        assert_eq!(t.interval(), Some(Duration::from_millis(500)));
        let t0 = Instant::now();
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let t = t.clone();
                tokio::spawn(async move { go_time(&t, t0).await })
            })
            .collect();
        let mut times = Vec::new();
        for task in tasks {
            times.push(task.await.unwrap());
        }
        times.sort();
        let expected: Vec<Duration> = (0..6).map(|i| Duration::from_millis(500 * i)).collect();
        assert_eq!(times, expected);
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_rate_limit_does_not_save_up_a_burst() {
        let t = Throttle::new(MINUTE, 10);
        let t0 = Instant::now();
        assert_eq!(go_time(&t, t0).await, Duration::ZERO);
        tokio::time::sleep(Duration::from_secs(10)).await;
        // Idle for 10 intervals: the next goes at once, the one after a full interval later.
        assert_eq!(go_time(&t, t0).await, Duration::from_secs(10));
        assert_eq!(go_time(&t, t0).await, Duration::from_secs(11));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrency_is_bounded_by_the_permits() {
        let t = Arc::new(Throttle::new(0, 3));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let (t, in_flight, most) = (t.clone(), in_flight.clone(), most.clone());
                tokio::spawn(async move {
                    let _permit = t.acquire(Duration::from_secs(3600)).await.unwrap();
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        let t0 = Instant::now();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 3);
        // 10 exchanges of 100 ms, 3 at a time: 4 rounds.
        assert_eq!(t0.elapsed(), Duration::from_millis(400));
    }

    #[tokio::test(start_paused = true)]
    async fn zero_concurrency_is_one() {
        let t = Throttle::new(0, 0);
        assert_eq!(t.max_concurrency(), 1);
        let held = t.acquire(Duration::ZERO).await.unwrap();
        let err = t.acquire(Duration::from_millis(10)).await.unwrap_err();
        assert_eq!(err.cause, ThrottleCause::Concurrency);
        drop(held);
        assert!(t.acquire(Duration::ZERO).await.is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_back_every_request_until_it_ends() {
        let t = Arc::new(Throttle::new(0, 10));
        let t0 = Instant::now();
        t.pause(Duration::from_secs(2));
        let tasks: Vec<_> = (0..5)
            .map(|i| {
                let t = t.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(300 * i)).await;
                    go_time(&t, t0).await
                })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap(), Duration::from_secs(2));
        }
        // Over: the next goes at once.
        assert_eq!(go_time(&t, t0).await, Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_shorter_pause_does_not_cut_a_longer_one() {
        let t = Throttle::new(0, 10);
        let t0 = Instant::now();
        t.pause(Duration::from_secs(3));
        t.pause(Duration::from_secs(1));
        assert_eq!(go_time(&t, t0).await, Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_that_starts_during_a_rate_wait_is_waited_for() {
        // One a second; the second request waits for its slot at 1 s, and a 429 at 0.5 s
        // pauses everything until 2.5 s.
        let t = Arc::new(Throttle::new(MINUTE, 10));
        let t0 = Instant::now();
        assert_eq!(go_time(&t, t0).await, Duration::ZERO);
        let waiting = {
            let t = t.clone();
            tokio::spawn(async move { go_time(&t, t0).await })
        };
        tokio::time::sleep(Duration::from_millis(500)).await;
        t.pause(Duration::from_secs(2));
        assert_eq!(waiting.await.unwrap(), Duration::from_millis(2500));
        // The slots go on from the end of the pause.
        assert_eq!(go_time(&t, t0).await, Duration::from_millis(3500));
    }

    #[tokio::test(start_paused = true)]
    async fn a_known_wait_beyond_the_budget_fails_at_once() {
        let t = Throttle::new(MINUTE, 10);
        let t0 = Instant::now();
        assert_eq!(go_time(&t, t0).await, Duration::ZERO);
        // The next slot is 1 s away.
        let err = t.acquire(Duration::from_millis(999)).await.unwrap_err();
        assert_eq!(
            err,
            OverBudget {
                cause: ThrottleCause::RateLimit,
                waited: Duration::ZERO,
                would_wait: Some(Duration::from_secs(1)),
            }
        );
        assert_eq!(t0.elapsed(), Duration::ZERO, "it did not wait");
        // The slot it did not take is still there for a request that can wait.
        assert!(t.acquire(Duration::from_secs(1)).await.is_ok());
        assert_eq!(t0.elapsed(), Duration::from_secs(1));

        t.pause(Duration::from_secs(5));
        let err = t.acquire(Duration::from_secs(4)).await.unwrap_err();
        assert_eq!(err.cause, ThrottleCause::Paused);
        assert_eq!(err.would_wait, Some(Duration::from_secs(5)));
        assert_eq!(t0.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_for_a_permit_fails_when_the_budget_runs_out() {
        let t = Throttle::new(0, 1);
        let t0 = Instant::now();
        let _held = t.acquire(Duration::ZERO).await.unwrap();
        let err = t.acquire(Duration::from_millis(250)).await.unwrap_err();
        assert_eq!(err.cause, ThrottleCause::Concurrency);
        assert_eq!(err.waited, Duration::from_millis(250));
        assert_eq!(err.would_wait, None);
        assert_eq!(t0.elapsed(), Duration::from_millis(250));
    }

    #[tokio::test(start_paused = true)]
    async fn the_permit_wait_counts_in_the_budget() {
        // Budget 1.5 s: 1.2 s waiting for the permit, then a pause to 2.2 s is too far.
        let t = Arc::new(Throttle::new(0, 1));
        let t0 = Instant::now();
        let held = t.acquire(Duration::ZERO).await.unwrap();
        let waiting = {
            let t = t.clone();
            tokio::spawn(async move { t.acquire(Duration::from_millis(1500)).await })
        };
        tokio::time::sleep(Duration::from_millis(1200)).await;
        t.pause(Duration::from_secs(1));
        drop(held);
        let err = waiting.await.unwrap().unwrap_err();
        assert_eq!(
            err,
            OverBudget {
                cause: ThrottleCause::Paused,
                waited: Duration::from_millis(1200),
                would_wait: Some(Duration::from_millis(2200)),
            }
        );
        assert_eq!(
            t0.elapsed(),
            Duration::from_millis(1200),
            "it gave up at once"
        );
    }
}
