//! A circuit breaker per target system: after `failures` retryable failures
//! within a window it opens, and deliveries to the system wait (without
//! using up attempts) until the cool-down ends; then one trial delivery is
//! let through, whose result closes or reopens it.

use std::collections::VecDeque;

/// The breaker of one system.
#[derive(Debug)]
pub struct Breaker {
    failures: u64,
    window_ms: i64,
    cool_down_ms: i64,
    recent: VecDeque<i64>,
    state: BreakerState,
}

/// Where a breaker is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakerState {
    Closed,
    /// Open until the time given.
    Open(i64),
    /// One trial delivery is out.
    HalfOpen,
}

impl BreakerState {
    /// The Prometheus gauge value: 0 closed, 1 open, 2 half-open.
    pub fn gauge(self) -> i64 {
        match self {
            BreakerState::Closed => 0,
            BreakerState::Open(_) => 1,
            BreakerState::HalfOpen => 2,
        }
    }
}

impl Breaker {
    /// A closed breaker with the policy's thresholds.
    pub fn new(failures: u64, window_ms: u64, cool_down_ms: u64) -> Breaker {
        Breaker {
            failures: failures.max(1),
            window_ms: window_ms as i64,
            cool_down_ms: cool_down_ms as i64,
            recent: VecDeque::new(),
            state: BreakerState::Closed,
        }
    }

    /// May a delivery go now? `Err(until)` says when to try again.
    pub fn admit(&mut self, now: i64) -> Result<(), i64> {
        match self.state {
            BreakerState::Closed => Ok(()),
            BreakerState::Open(until) if now < until => Err(until),
            BreakerState::Open(_) => {
                self.state = BreakerState::HalfOpen;
                Ok(())
            }
            // The trial is out: everyone else waits a little.
            BreakerState::HalfOpen => Err(now + 1_000),
        }
    }

    /// A delivery succeeded (or failed for a reason that says nothing about the system's health).
    pub fn success(&mut self) {
        self.recent.clear();
        self.state = BreakerState::Closed;
    }

    /// A delivery failed with a retryable failure.
    pub fn failure(&mut self, now: i64) {
        if self.state == BreakerState::HalfOpen {
            self.state = BreakerState::Open(now + self.cool_down_ms);
            return;
        }
        self.recent.push_back(now);
        while self
            .recent
            .front()
            .is_some_and(|t| *t <= now - self.window_ms)
        {
            self.recent.pop_front();
        }
        if self.recent.len() as u64 >= self.failures {
            self.recent.clear();
            self.state = BreakerState::Open(now + self.cool_down_ms);
        }
    }

    /// Where it is now.
    pub fn state(&self) -> BreakerState {
        self.state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_enough_failures_in_the_window_and_recovers_through_one_trial() {
        let mut b = Breaker::new(3, 10_000, 5_000);
        b.failure(0);
        b.failure(1_000);
        assert_eq!(b.admit(1_500), Ok(()));
        b.failure(2_000);
        assert_eq!(b.state(), BreakerState::Open(7_000));
        assert_eq!(b.admit(6_999), Err(7_000));
        assert_eq!(b.admit(7_000), Ok(()), "the trial");
        assert_eq!(b.state(), BreakerState::HalfOpen);
        assert!(b.admit(7_001).is_err(), "one trial at a time");
        b.failure(7_100);
        assert_eq!(
            b.state(),
            BreakerState::Open(12_100),
            "a failed trial reopens it"
        );
        assert_eq!(b.admit(12_100), Ok(()));
        b.success();
        assert_eq!(b.state(), BreakerState::Closed);
        assert_eq!(b.admit(12_200), Ok(()));
    }

    #[test]
    fn failures_outside_the_window_do_not_count() {
        let mut b = Breaker::new(3, 1_000, 5_000);
        b.failure(0);
        b.failure(500);
        b.failure(1_600);
        assert_eq!(b.state(), BreakerState::Closed);
        b.failure(1_700);
        assert_eq!(
            b.state(),
            BreakerState::Closed,
            "0 and 500 fell out of the window"
        );
        b.failure(1_800);
        assert_eq!(b.state(), BreakerState::Open(6_800));
    }
}
