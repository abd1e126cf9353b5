//! Password hashing with argon2id, always off the async runtime, and never more at once than
//! the machine has cores: each hash takes 19 MiB and a core's time, so a flood of requests
//! must queue (briefly) instead of taking gigabytes.
//!
//! The 19 MiB each hash works in is allocated once per hashing slot and reused. Asking the
//! allocator for it on every sign-in let glibc keep a freed copy in each thread's arena,
//! which grew a busy server's memory by hundreds of MiB.

use crate::error::{AppError, AppResult};
use crate::values::NewPassword;
use anyhow::{anyhow, Context};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// argon2id with OWASP's minimum recommendation: 19 MiB of memory, 2 passes, 1 lane.
fn params() -> anyhow::Result<Params> {
    Params::new(19 * 1024, 2, 1, None).map_err(|e| anyhow!("argon2 params: {e}"))
}

/// The working memory of one hash.
type Memory = Vec<Block>;

fn new_memory(params: &Params) -> Memory {
    vec![Block::default(); params.block_count()]
}

/// Hashes `password` with a new salt into a PHC string, working in `memory`.
fn hash_blocking(password: &str, memory: &mut Memory) -> anyhow::Result<String> {
    let params = params()?;
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(|e| anyhow!("reading a salt: {e}"))?;
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password.as_bytes(), salt_raw, &mut out, memory)
        .map_err(|e| anyhow!("hashing a password: {e}"))?;
    let output = Output::new(&out).map_err(|e| anyhow!("encoding a hash: {e}"))?;
    Ok(format!(
        "$argon2id$v=19$m={},t={},p={}${}${output}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
        salt.as_str()
    ))
}

/// True when `password` hashes to the stored PHC string `stored` (argon2id or argon2i/d
/// with any parameters; memory of another size than ours is allocated for the occasion).
fn matches(password: &str, stored: &str, memory: &mut Memory) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
        parsed.salt,
        parsed.hash,
    ) else {
        return false;
    };
    let version = parsed
        .version
        .and_then(|v| Version::try_from(v).ok())
        .unwrap_or_default();
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_raw) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut other_size;
    let memory = if memory.len() == params.block_count() {
        memory
    } else {
        other_size = new_memory(&params);
        &mut other_size
    };
    let mut out = vec![0u8; expected.len()];
    let computed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password.as_bytes(),
        salt_raw,
        &mut out,
        memory,
    );
    // `Output`'s equality is constant-time.
    computed.is_ok() && Output::new(&out).is_ok_and(|out| out == expected)
}

/// A hash of a random secret, verified against when an account has no usable hash, so
/// that a login for an unknown email costs the same time as one for a real account.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let secret: [u8; 16] = rand::random();
        let mut memory = params().map(|p| new_memory(&p)).unwrap_or_default();
        hash_blocking(&hex::encode(secret), &mut memory).unwrap_or_default()
    })
}

fn verify_blocking(password: &str, stored: Option<&str>, memory: &mut Memory) -> bool {
    let (candidate, real) = match stored {
        Some(hash) => (hash, true),
        None => (dummy_hash(), false),
    };
    matches(password, candidate, memory) && real
}

/// Working memories not in use (at most one per slot ever exists).
#[derive(Debug, Default)]
struct Memories(Mutex<Vec<Memory>>);

impl Memories {
    fn take(&self) -> anyhow::Result<Memory> {
        let kept = self.0.lock().ok().and_then(|mut free| free.pop());
        match kept {
            Some(memory) => Ok(memory),
            None => Ok(new_memory(&params()?)),
        }
    }

    fn give_back(&self, memory: Memory) {
        if let Ok(mut free) = self.0.lock() {
            free.push(memory);
        }
    }
}

/// The server's password-hashing capacity: `slots` hashes at once (one per core by default),
/// and a request waits at most `queue_wait` for a free slot before it is told the server is
/// busy. Cheap to clone; clones share the slots.
#[derive(Debug, Clone)]
pub struct Hasher {
    slots: Arc<Semaphore>,
    memories: Arc<Memories>,
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
            memories: Arc::default(),
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
        let mut memory = self.memories.take()?;
        let (hash, memory) = tokio::task::spawn_blocking(move || {
            let hash = hash_blocking(&password, &mut memory);
            (hash, memory)
        })
        .await
        .context("password hashing task")?;
        self.memories.give_back(memory);
        Ok(hash?)
    }

    /// Checks `password` against `stored`; with no stored hash it does the same work and
    /// fails.
    #[tracing::instrument(skip_all)]
    pub async fn verify(&self, password: String, stored: Option<String>) -> AppResult<bool> {
        let _slot = self.slot().await?;
        let mut memory = self.memories.take()?;
        let (matched, memory) = tokio::task::spawn_blocking(move || {
            let matched = verify_blocking(&password, stored.as_deref(), &mut memory);
            (matched, memory)
        })
        .await
        .context("password verification task")?;
        self.memories.give_back(memory);
        Ok(matched)
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
    async fn hashes_agree_with_the_argon2_crates_own_format() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let argon = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            params().expect("params"),
        );
        let salt = SaltString::generate(&mut OsRng);
        let theirs = argon
            .hash_password(b"correct horse battery", &salt)
            .expect("hash")
            .to_string();
        let hasher = Hasher::default();
        assert!(hasher
            .verify("correct horse battery".into(), Some(theirs))
            .await
            .expect("verify"));
        let ours = hasher
            .hash(&NewPassword::parse("correct horse battery").expect("valid"))
            .await
            .expect("hash");
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(argon
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());
        // Another cost (an older hash) still verifies, in memory of its own size.
        let small = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).expect("params"),
        )
        .hash_password(b"correct horse battery", &salt)
        .expect("hash")
        .to_string();
        assert!(hasher
            .verify("correct horse battery".into(), Some(small))
            .await
            .expect("verify"));
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
