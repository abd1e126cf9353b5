//! Throttling of everything that checks or sets a password (signing in, changing a
//! password, redeeming a set-password link, the first set-up), with governor's GCRA limiters:
//!
//! - per client address (an IPv6 client by its /64, the block one customer gets);
//! - per account *and* address: the small budget that stops guessing one account's password;
//! - per account from anywhere: a ceiling ten times larger, so an attacker elsewhere cannot
//!   lock a user out for long by spending the user's small budget.
//!
//! The limiters live in memory, so with several server instances each enforces its own
//! budget; the README notes this.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, Ipv6Addr};
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

    /// The per-account ceiling: ten times the burst, refilled ten times as fast.
    fn ceiling(self) -> Self {
        Self {
            burst: self.burst.saturating_mul(10),
            refill_every: self.refill_every / 10,
        }
    }
}

/// The address a limit is kept for: IPv4 as is, IPv6 by its /64 network.
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & !((1_u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(network))
        }
    }
}

/// The limiters for password checks.
pub struct LoginLimiter {
    address: DefaultKeyedRateLimiter<IpAddr>,
    account_at_address: DefaultKeyedRateLimiter<(String, IpAddr)>,
    account: DefaultKeyedRateLimiter<String>,
}

impl std::fmt::Debug for LoginLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginLimiter")
    }
}

fn wait_seconds(not_until: &governor::NotUntil<governor::clock::QuantaInstant>) -> u64 {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

impl LoginLimiter {
    pub fn new(per_ip: LoginQuota, per_account: LoginQuota) -> Self {
        Self {
            address: RateLimiter::keyed(per_ip.to_quota()),
            account_at_address: RateLimiter::keyed(per_account.to_quota()),
            account: RateLimiter::keyed(per_account.ceiling().to_quota()),
        }
    }

    /// Counts one attempt against `account` (an email, or `user:<id>`) from `ip`;
    /// `Err(seconds)` says how long the caller must wait.
    pub fn check(&self, ip: IpAddr, account: &str) -> Result<(), u64> {
        let ip = limit_key(ip);
        self.address.check_key(&ip).map_err(|n| wait_seconds(&n))?;
        self.account_at_address
            .check_key(&(account.to_owned(), ip))
            .map_err(|n| wait_seconds(&n))?;
        self.account
            .check_key(&account.to_owned())
            .map_err(|n| wait_seconds(&n))?;
        Ok(())
    }

    /// Counts one attempt from `ip` that names no account (a set-password link, the set-up).
    pub fn check_address(&self, ip: IpAddr) -> Result<(), u64> {
        self.address
            .check_key(&limit_key(ip))
            .map_err(|n| wait_seconds(&n))
    }

    /// Forgets keys whose budget is full again (call periodically to bound memory).
    pub fn forget_idle(&self) {
        self.address.retain_recent();
        self.account_at_address.retain_recent();
        self.account.retain_recent();
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

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn account_budget_runs_out_per_address_and_names_the_wait() {
        let limiter = limiter(100, 3);
        for _ in 0..3 {
            assert_eq!(limiter.check(ip("10.0.0.1"), "ada@example.com"), Ok(()));
        }
        let wait = limiter
            .check(ip("10.0.0.1"), "ada@example.com")
            .expect_err("limited");
        assert!((1..=30).contains(&wait), "{wait}");
        // Another account from the same address is unaffected ...
        assert_eq!(limiter.check(ip("10.0.0.1"), "grace@example.com"), Ok(()));
        // ... and so is the same account from elsewhere: the attacker cannot lock Ada out.
        assert_eq!(limiter.check(ip("192.0.2.7"), "ada@example.com"), Ok(()));
    }

    #[test]
    fn an_account_has_a_larger_ceiling_across_addresses() {
        let limiter = limiter(1000, 2);
        let mut allowed = 0;
        for n in 0..40 {
            if limiter
                .check(ip(&format!("10.1.0.{n}")), "ada@example.com")
                .is_ok()
            {
                allowed += 1;
            }
        }
        assert_eq!(allowed, 20, "ten times the per-address budget");
    }

    #[test]
    fn address_budget_covers_all_accounts_and_ipv6_counts_by_its_64() {
        let limiter = limiter(2, 100);
        assert!(limiter
            .check(ip("2001:db8:1:2::1"), "a@example.com")
            .is_ok());
        assert!(limiter
            .check(ip("2001:db8:1:2:ffff::9"), "b@example.com")
            .is_ok());
        let wait = limiter
            .check(ip("2001:db8:1:2::77"), "c@example.com")
            .expect_err("the same /64 shares one budget");
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(limiter
            .check(ip("2001:db8:1:3::1"), "c@example.com")
            .is_ok());
        assert_eq!(limit_key(ip("10.0.0.3")), ip("10.0.0.3"));
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
    }
}
