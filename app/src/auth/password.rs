//! Password hashing with argon2id, always off the async runtime, and never more at once than
//! the machine has cores: each hash takes 19 MiB and a core's time, so a flood of requests
//! must queue (briefly) instead of taking gigabytes.

use crate::error::{AppError, AppResult};
use crate::values::NewPassword;
use anyhow::{anyhow, Context};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// argon2id with OWASP's minimum recommendation: 19 MiB of memory, 2 passes, 1 lane.
fn argon2() -> anyhow::Result<Argon2<'static>> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| anyhow!("argon2 params: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow!("hashing a password: {e}"))?;
    Ok(hash.to_string())
}

/// A hash of a random secret, verified against when an account has no usable hash, so
/// that a login for an unknown email costs the same time as one for a real account.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let secret: [u8; 16] = rand::random();
        hash_blocking(&hex::encode(secret)).unwrap_or_default()
    })
}

fn verify_blocking(password: &str, stored: Option<&str>) -> bool {
    let (candidate, real) = match stored {
        Some(hash) => (hash, true),
        None => (dummy_hash(), false),
    };
    let Ok(parsed) = PasswordHash::new(candidate) else {
        return false;
    };
    let matches = argon2().is_ok_and(|a| a.verify_password(password.as_bytes(), &parsed).is_ok());
    matches && real
}

/// The server's password-hashing capacity: `slots` hashes at once (one per core by default),
/// and a request waits at most `queue_wait` for a free slot before it is told the server is
/// busy. Cheap to clone; clones share the slots.
#[derive(Debug, Clone)]
pub struct Hasher {
    slots: Arc<Semaphore>,
    queue_wait: Duration,
}

impl Default for Hasher {
    /// One slot per core, three seconds of queueing.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self::new(cores, Duration::from_secs(3))
    }
}

impl Hasher {
    pub fn new(slots: usize, queue_wait: Duration) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(slots)),
            queue_wait,
        }
    }

    /// A hashing slot, or `Busy` when none frees up in time.
    async fn slot(&self) -> AppResult<SemaphorePermit<'_>> {
        match tokio::time::timeout(self.queue_wait, self.slots.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) => Err(anyhow!("the hashing slots were closed").into()),
            Err(_) => {
                tracing::warn!("password hashing is at capacity; a request was turned away");
                Err(AppError::Busy)
            }
        }
    }

    /// Hashes a new password (salted, PHC string format).
    #[tracing::instrument(skip_all)]
    pub async fn hash(&self, password: &NewPassword) -> AppResult<String> {
        let _slot = self.slot().await?;
        let password = password.expose().to_owned();
        Ok(
            tokio::task::spawn_blocking(move || hash_blocking(&password))
                .await
                .context("password hashing task")??,
        )
    }

    /// Checks `password` against `stored`; with no stored hash it does the same work and
    /// fails.
    #[tracing::instrument(skip_all)]
    pub async fn verify(&self, password: String, stored: Option<String>) -> AppResult<bool> {
        let _slot = self.slot().await?;
        Ok(
            tokio::task::spawn_blocking(move || verify_blocking(&password, stored.as_deref()))
                .await
                .context("password verification task")?,
        )
    }
}

/// Warms the dummy hash so the first unknown-email login is not measurably slower.
pub async fn warm_up() {
    let _ = tokio::task::spawn_blocking(dummy_hash).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_a_free_slot_the_answer_is_busy_not_a_wait_forever() {
        let none = Hasher::new(0, Duration::from_millis(10));
        let password = NewPassword::parse("correct horse battery").expect("valid");
        assert_eq!(none.hash(&password).await, Err(AppError::Busy));
        assert_eq!(none.verify("x".into(), None).await, Err(AppError::Busy));
    }

    #[tokio::test]
    async fn hashes_verify_and_use_argon2id_with_explicit_parameters() {
        let hasher = Hasher::default();
        let hash = |p| hasher.hash(p);
        let verify = |p, s| hasher.verify(p, s);
        let password = NewPassword::parse("correct horse battery").expect("valid");
        let stored = hash(&password).await.expect("hash");
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify("correct horse battery".into(), Some(stored.clone()))
            .await
            .expect("verify"));
        assert!(!verify("wrong horse battery".into(), Some(stored.clone()))
            .await
            .expect("verify"));
        // Same password, new salt.
        assert_ne!(stored, hash(&password).await.expect("hash"));
    }

    #[tokio::test]
    async fn missing_hash_never_verifies() {
        let hasher = Hasher::default();
        let verify = |p, s| hasher.verify(p, s);
        assert!(!verify("anything at all".into(), None)
            .await
            .expect("verify"));
        assert!(!verify("x".into(), Some("not a phc string".into()))
            .await
            .expect("verify"));
    }
}
