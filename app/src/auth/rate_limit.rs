//! Login throttling per client address and per account, with governor's GCRA limiters.
//!
//! The limiters live in memory, so with several server instances each enforces its own
//! budget; the README notes this.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

/// A budget of `burst` attempts, one more granted every `refill_every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginQuota {
    pub burst: u32,
    pub refill_every: Duration,
}

impl LoginQuota {
    fn to_quota(self) -> Quota {
        let burst = NonZeroU32::new(self.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Quota::with_period(self.refill_every.max(Duration::from_millis(1)))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst)
    }
}

/// Both login limiters.
pub struct LoginLimiter {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_account: DefaultKeyedRateLimiter<String>,
}

impl std::fmt::Debug for LoginLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginLimiter")
    }
}

impl LoginLimiter {
    pub fn new(per_ip: LoginQuota, per_account: LoginQuota) -> Self {
        Self {
            per_ip: RateLimiter::keyed(per_ip.to_quota()),
            per_account: RateLimiter::keyed(per_account.to_quota()),
        }
    }

    /// Counts one attempt; `Err(seconds)` says how long the caller must wait.
    pub fn check(&self, ip: IpAddr, account: &str) -> Result<(), u64> {
        let clock = DefaultClock::default();
        let wait = |not_until: governor::NotUntil<_>| {
            let wait = not_until.wait_time_from(clock.now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        };
        self.per_ip.check_key(&ip).map_err(wait)?;
        self.per_account
            .check_key(&account.to_owned())
            .map_err(wait)?;
        Ok(())
    }

    /// Forgets keys whose budget is full again (call periodically to bound memory).
    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_account.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(ip_burst: u32, account_burst: u32) -> LoginLimiter {
        LoginLimiter::new(
            LoginQuota {
                burst: ip_burst,
                refill_every: Duration::from_mins(1),
            },
            LoginQuota {
                burst: account_burst,
                refill_every: Duration::from_secs(30),
            },
        )
    }

    #[test]
    fn account_budget_runs_out_and_names_the_wait() {
        let limiter = limiter(100, 3);
        let ip: IpAddr = "10.0.0.1".parse().expect("ip");
        for _ in 0..3 {
            assert_eq!(limiter.check(ip, "ada@example.com"), Ok(()));
        }
        let wait = limiter.check(ip, "ada@example.com").expect_err("limited");
        assert!((1..=30).contains(&wait), "{wait}");
        // Another account from the same address is unaffected.
        assert_eq!(limiter.check(ip, "grace@example.com"), Ok(()));
    }

    #[test]
    fn address_budget_covers_all_accounts() {
        let limiter = limiter(2, 100);
        let ip: IpAddr = "10.0.0.2".parse().expect("ip");
        assert!(limiter.check(ip, "a@example.com").is_ok());
        assert!(limiter.check(ip, "b@example.com").is_ok());
        let wait = limiter.check(ip, "c@example.com").expect_err("limited");
        assert!((1..=60).contains(&wait), "{wait}");
        let other: IpAddr = "10.0.0.3".parse().expect("ip");
        assert!(limiter.check(other, "c@example.com").is_ok());
    }
}
