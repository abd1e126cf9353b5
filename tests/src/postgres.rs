//! A throwaway PostgreSQL 15 cluster for the test run: `initdb` into the scratch folder,
//! `postgres` on a free port, one fresh database per test, everything removed at the end.

use anyhow::{bail, Context};
use nix::sys::signal::{kill, Signal};
use nix::unistd::{Pid, User};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const BIN: &str = "/usr/lib/postgresql/15/bin";

/// A running cluster.
pub struct Cluster {
    child: Child,
    dir: PathBuf,
    port: u16,
}

static CLUSTER: Mutex<Option<Cluster>> = Mutex::new(None);
static NEXT_DB: AtomicU32 = AtomicU32::new(1);

/// The PostgreSQL binaries' folder (override with `HIRELOOP_PG_BIN`).
fn bin(name: &str) -> PathBuf {
    let dir = std::env::var("HIRELOOP_PG_BIN").unwrap_or_else(|_| BIN.to_owned());
    Path::new(&dir).join(name)
}

/// Runs `command` as the `postgres` user when we are root (initdb refuses root).
fn as_cluster_owner(command: &mut Command) -> anyhow::Result<()> {
    if nix::unistd::geteuid().is_root() {
        let user = User::from_name("postgres")
            .context("looking up the postgres user")?
            .context("the postgres user does not exist")?;
        command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
    }
    Ok(())
}

fn url(port: u16, database: &str) -> String {
    format!("postgres://postgres@127.0.0.1:{port}/{database}")
}

fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

impl Cluster {
    fn start() -> anyhow::Result<Self> {
        let dir = crate::scratch::dir().join("postgres");
        std::fs::create_dir_all(&dir).context("creating the cluster folder")?;
        if nix::unistd::geteuid().is_root() {
            let user = User::from_name("postgres")?.context("no postgres user")?;
            std::os::unix::fs::chown(&dir, Some(user.uid.as_raw()), Some(user.gid.as_raw()))
                .context("handing the cluster folder to postgres")?;
        }
        let data = dir.join("data");
        let mut initdb = Command::new(bin("initdb"));
        initdb
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(&data)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        as_cluster_owner(&mut initdb)?;
        let output = initdb.output().context("running initdb")?;
        if !output.status.success() {
            bail!("initdb failed: {}", String::from_utf8_lossy(&output.stderr));
        }

        let port = free_port()?;
        let mut postgres = Command::new(bin("postgres"));
        postgres
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-k"])
            .arg(&dir)
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=300",
            ])
            .stdout(Stdio::null())
            .stderr(
                std::fs::File::create(dir.join("server.log"))
                    .map_or_else(|_| Stdio::null(), Stdio::from),
            );
        as_cluster_owner(&mut postgres)?;
        let child = postgres.spawn().context("starting postgres")?;
        let cluster = Self { child, dir, port };
        cluster.wait_ready()?;
        Ok(cluster)
    }

    fn wait_ready(&self) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let ready = Command::new(bin("pg_isready"))
                .args([
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &self.port.to_string(),
                    "-U",
                    "postgres",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!(
            "postgres did not become ready; see {}",
            self.dir.join("server.log").display()
        )
    }

    fn stop(mut self) {
        // SIGINT is PostgreSQL's "fast shutdown": disconnect clients, stop at once.
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = kill(Pid::from_raw(pid), Signal::SIGINT);
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Creates a fresh, empty database on the run's cluster (starting the cluster on first use)
/// and returns its URL.
pub async fn fresh_database() -> anyhow::Result<String> {
    let port = {
        let mut guard = CLUSTER
            .lock()
            .map_err(|_| anyhow::anyhow!("cluster lock poisoned"))?;
        if guard.is_none() {
            *guard = Some(tokio::task::block_in_place(Cluster::start)?);
        }
        guard.as_ref().map(|c| c.port).context("cluster")?
    };
    let admin_url = url(port, "postgres");
    let name = format!(
        "test_{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::SeqCst)
    );
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url)
        .await
        .context("connecting to the test cluster")?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .context("creating a test database")?;
    Ok(url(port, &name))
}

/// Stops the cluster (if one was started) and removes its files.
pub fn shutdown() {
    if let Ok(mut guard) = CLUSTER.lock() {
        if let Some(cluster) = guard.take() {
            cluster.stop();
        }
    }
}
