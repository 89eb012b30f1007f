//! The wait before the next attempt: exponential growth from the policy's
//! initial delay, capped, then randomized by the policy's jitter so retries
//! of many messages do not arrive together.

use crate::prepared::{Effective, Jitter};

/// The delay before attempt `failed + 1`, after `failed` failed attempts (>= 1).
pub fn delay_ms(p: &Effective, failed: u32) -> u64 {
    let exp = p
        .multiplier
        .max(1.0)
        .powi(failed.saturating_sub(1).min(64) as i32);
    let base = ((p.initial_ms as f64) * exp).min(p.max_ms as f64).max(0.0) as u64;
    match p.jitter {
        Jitter::None => base,
        Jitter::Full => fastrand::u64(0..=base),
        Jitter::Equal => base / 2 + fastrand::u64(0..=base - base / 2),
        // Between the initial delay and three times the exponential one, capped.
        Jitter::Decorrelated => {
            let hi = base.saturating_mul(3).min(p.max_ms).max(p.initial_ms);
            fastrand::u64(p.initial_ms.min(hi)..=hi)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepared::Effective;

    fn policy(jitter: Jitter) -> Effective {
        Effective {
            jitter,
            initial_ms: 500,
            max_ms: 20_000,
            multiplier: 2.0,
            ..Effective::of(None)
        }
    }

    #[test]
    fn grows_exponentially_and_stops_at_the_cap() {
        let p = policy(Jitter::None);
        let delays: Vec<u64> = (1..=8).map(|n| delay_ms(&p, n)).collect();
        assert_eq!(delays, [500, 1000, 2000, 4000, 8000, 16000, 20000, 20000]);
    }

    #[test]
    fn jitter_stays_within_its_bounds() {
        for n in 1..=10 {
            let base = delay_ms(&policy(Jitter::None), n);
            for _ in 0..200 {
                assert!(delay_ms(&policy(Jitter::Full), n) <= base);
                let e = delay_ms(&policy(Jitter::Equal), n);
                assert!(e >= base / 2 && e <= base, "{e} vs {base}");
                let d = delay_ms(&policy(Jitter::Decorrelated), n);
                assert!((500..=20_000).contains(&d), "{d}");
            }
        }
    }

    #[test]
    fn full_jitter_spreads_retries() {
        let p = policy(Jitter::Full);
        let distinct: std::collections::BTreeSet<u64> = (0..100).map(|_| delay_ms(&p, 4)).collect();
        assert!(distinct.len() > 50, "{distinct:?}");
    }
}
