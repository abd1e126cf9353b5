//! The processes the benchmark runs: the release server (one or two instances), the
//! baseline, the seeder; and the databases they share.

use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The workspace root (the benchmark runs the binaries built there).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("."))
}

/// The server binary: the release build, or `HIRELOOP_BENCH_BINARY` (e.g. the debug build,
/// to count statements while working on a page).
pub fn release_binary() -> anyhow::Result<PathBuf> {
    let path = std::env::var_os("HIRELOOP_BENCH_BINARY")
        .map_or_else(|| root().join("target/release/hireloop"), PathBuf::from);
    if !path.exists() {
        bail!(
            "{} is missing: build the release first (`make release`)",
            path.display()
        );
    }
    Ok(path)
}

pub fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

/// Which engine a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn label(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }
}

/// A new, empty database of `engine`; its URL.
pub async fn new_database(engine: Engine, name: &str) -> anyhow::Result<String> {
    match engine {
        Engine::Sqlite => {
            let dir = hireloop_tests::scratch::dir().join("bench");
            std::fs::create_dir_all(&dir)?;
            let file = dir.join(format!("{name}.db"));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
            Ok(format!("sqlite://{}", file.display()))
        }
        Engine::Postgres => hireloop_tests::postgres::fresh_database().await,
    }
}

/// Loads the demo data at `scale` with the release binary; returns the seconds it took.
pub fn seed(database_url: &str, scale: f64) -> anyhow::Result<f64> {
    let started = Instant::now();
    let output = Command::new(release_binary()?)
        .args(["demo-data", "--scale", &scale.to_string()])
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .current_dir(root())
        .output()
        .context("running hireloop demo-data")?;
    if !output.status.success() {
        bail!(
            "seeding failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(started.elapsed().as_secs_f64())
}

/// A running server process.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts the release server on `database_url` and waits for `/health`.
    pub async fn start(
        name: &str,
        database_url: &str,
        count_queries: bool,
    ) -> anyhow::Result<Self> {
        let port = free_port()?;
        let log = hireloop_tests::scratch::dir().join(format!("bench-{name}-{port}.log"));
        let child = Command::new(release_binary()?)
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("HIRELOOP_ADDR", format!("127.0.0.1:{port}"))
            .env("HIRELOOP_SITE_ROOT", root().join("target/site"))
            // Benchmark users sign in hundreds of times from one address.
            .env("HIRELOOP_LOGIN_IP_BURST", "1000000")
            .env("HIRELOOP_LOGIN_ACCOUNT_BURST", "1000000")
            .env("HIRELOOP_PASSWORD_QUEUE_MS", "60000")
            .env("HIRELOOP_COUNT_QUERIES", count_queries.to_string())
            .env("RUST_LOG", "warn")
            .current_dir(root())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).map_or_else(|_| Stdio::null(), Stdio::from))
            .spawn()
            .context("starting the release server")?;
        let server = Self { child, port };
        wait_healthy(&server.url(), &log).await?;
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The process's peak resident memory so far (MB), from `/proc`.
    pub fn peak_rss_mb(&self) -> f64 {
        peak_rss_mb(self.pid())
    }

    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `VmHWM` of a process, in MB (0 when unreadable).
pub fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn wait_healthy(url: &str, log: &Path) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_mins(1);
    while Instant::now() < deadline {
        if let Ok(response) = client.get(format!("{url}/health")).send().await {
            if response.status().is_success() {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!(
        "the server at {url} did not become healthy; see {}",
        log.display()
    )
}

/// The baseline server: this benchmark binary itself, run with `baseline`.
pub struct Baseline {
    child: Child,
    pub port: u16,
}

impl Baseline {
    pub async fn start(database_url: &str, user_id: i64) -> anyhow::Result<Self> {
        let port = free_port()?;
        let log = hireloop_tests::scratch::dir().join(format!("bench-baseline-{port}.log"));
        let child = Command::new(std::env::current_exe()?)
            .args([
                "baseline",
                "--database-url",
                database_url,
                "--port",
                &port.to_string(),
                "--user-id",
                &user_id.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).map_or_else(|_| Stdio::null(), Stdio::from))
            .spawn()
            .context("starting the baseline")?;
        let baseline = Self { child, port };
        wait_healthy(&baseline.url(), &log).await?;
        Ok(baseline)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
