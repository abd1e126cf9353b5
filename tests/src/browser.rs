//! Headless Chromium over WebDriver. One chromedriver per test run; one browser (with a
//! fresh profile) per test. Controls are found the way a person finds them: by their
//! visible label, button text or link text.

use anyhow::{bail, Context};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use serde_json::json;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Driver {
    child: Child,
    port: u16,
}

static DRIVER: Mutex<Option<Driver>> = Mutex::new(None);

/// How long to wait for something to appear before failing.
pub const PATIENCE: Duration = Duration::from_secs(20);

fn driver_port() -> anyhow::Result<u16> {
    let mut guard = DRIVER
        .lock()
        .map_err(|_| anyhow::anyhow!("driver lock poisoned"))?;
    if let Some(driver) = guard.as_ref() {
        return Ok(driver.port);
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let log = std::fs::File::create(crate::scratch::dir().join("chromedriver.log"))?;
    let child = Command::new(
        std::env::var("HIRELOOP_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()),
    )
    .arg(format!("--port={port}"))
    .stdout(Stdio::from(log.try_clone()?))
    .stderr(Stdio::from(log))
    // Its own process group: stopping the group also stops every Chromium it started.
    .process_group(0)
    .spawn()
    .context("starting chromedriver (install chromium and chromium-driver)")?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            bail!("chromedriver did not start listening");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    *guard = Some(Driver { child, port });
    Ok(port)
}

/// Stops chromedriver and any browser it still runs.
pub fn shutdown() {
    if let Ok(mut guard) = DRIVER.lock() {
        if let Some(mut driver) = guard.take() {
            if let Ok(pid) = i32::try_from(driver.child.id()) {
                let _ = killpg(Pid::from_raw(pid), Signal::SIGTERM);
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = driver.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if let Ok(pid) = i32::try_from(driver.child.id()) {
                let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
            }
            let _ = driver.child.wait();
        }
    }
}

/// A browser session bound to one server.
pub struct Browser {
    client: Client,
    base: String,
    _profile: tempfile::TempDir,
}

fn xpath_literal(text: &str) -> String {
    if text.contains('"') {
        format!("'{text}'")
    } else {
        format!("\"{text}\"")
    }
}

impl Browser {
    /// Opens a browser for the server at `base` (`javascript: false` turns scripts off, to
    /// check that forms work without them).
    pub async fn open(base: &str, javascript: bool) -> anyhow::Result<Self> {
        let port = tokio::task::block_in_place(driver_port)?;
        let profile = tempfile::Builder::new()
            .prefix("chromium-")
            .tempdir_in(crate::scratch::dir())?;
        let mut options = json!({
            "binary": std::env::var("HIRELOOP_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        });
        if !javascript {
            options["prefs"] = json!({"profile.managed_default_content_settings.javascript": 2});
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("opening a browser session")?;
        Ok(Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
            _profile: profile,
        })
    }

    /// Ends the browser session.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub async fn goto(&self, path: &str) -> anyhow::Result<()> {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .with_context(|| format!("opening {path}"))
    }

    /// The current path and query.
    pub async fn path(&self) -> anyhow::Result<String> {
        let url = self.client.current_url().await?;
        Ok(match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        })
    }

    /// The visible text of the page.
    pub async fn text(&self) -> anyhow::Result<String> {
        Ok(self.client.find(Locator::Css("body")).await?.text().await?)
    }

    /// Waits until the page shows `text`.
    pub async fn wait_for_text(&self, text: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(body) = self.text().await {
                if body.contains(text) {
                    return Ok(());
                }
                if Instant::now() > deadline {
                    bail!("the page never showed {text:?}; it shows:\n{body}");
                }
            } else if Instant::now() > deadline {
                bail!("the page never showed {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the path (without query) is `path`.
    pub async fn wait_for_path(&self, path: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let current = self.client.current_url().await?;
            if current.path() == path {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("expected to reach {path}, still at {current}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn find_waiting(&self, xpath: &str, what: &str) -> anyhow::Result<Element> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(element) = self.client.find(Locator::XPath(xpath)).await {
                return Ok(element);
            }
            if Instant::now() > deadline {
                let body = self.text().await.unwrap_or_default();
                bail!("no {what} on the page; it shows:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The form control whose `<label>` reads `label`.
    pub async fn field(&self, label: &str) -> anyhow::Result<Element> {
        let label = xpath_literal(label);
        self.find_waiting(
            &format!("//*[@id=//label[normalize-space(.)={label}]/@for]"),
            &format!("field labelled {label}"),
        )
        .await
    }

    /// Types `value` into the field labelled `label` (replacing what was there).
    pub async fn fill(&self, label: &str, value: &str) -> anyhow::Result<()> {
        let field = self.field(label).await?;
        field
            .clear()
            .await
            .with_context(|| format!("clearing {label:?}"))?;
        field
            .send_keys(value)
            .await
            .with_context(|| format!("typing into {label:?}"))?;
        Ok(())
    }

    /// Chooses the option with visible text `option` in the drop-down labelled `label`.
    pub async fn choose(&self, label: &str, option: &str) -> anyhow::Result<()> {
        let field = self.field(label).await?;
        field
            .select_by_label(option)
            .await
            .with_context(|| format!("choosing {option:?} in {label:?}"))?;
        Ok(())
    }

    /// Ticks the checkbox or radio button whose label reads `label`.
    pub async fn check(&self, label: &str) -> anyhow::Result<()> {
        let literal = xpath_literal(label);
        let input = self
            .find_waiting(
                &format!("//label[normalize-space(.)={literal}]//input | //*[@id=//label[normalize-space(.)={literal}]/@for]"),
                &format!("checkbox labelled {literal}"),
            )
            .await?;
        if !input.is_selected().await? {
            input.click().await?;
        }
        Ok(())
    }

    /// Sets the value of the field labelled `label` the way a picker would (date and time
    /// inputs do not take typed text the same way in every locale).
    pub async fn set_value(&self, label: &str, value: &str) -> anyhow::Result<()> {
        let field = self.field(label).await?;
        self.client
            .execute(
                "arguments[0].value = arguments[1]; \
                 arguments[0].dispatchEvent(new Event('input', {bubbles: true})); \
                 arguments[0].dispatchEvent(new Event('change', {bubbles: true})); return null",
                vec![serde_json::to_value(&field)?, json!(value)],
            )
            .await
            .with_context(|| format!("setting {label:?}"))?;
        Ok(())
    }

    /// Ticks the checkbox with this id (for grids of identically labelled boxes).
    pub async fn check_by_id(&self, id: &str) -> anyhow::Result<()> {
        let input = self
            .find_waiting(
                &format!("//input[@id={}]", xpath_literal(id)),
                &format!("checkbox #{id}"),
            )
            .await?;
        if !input.is_selected().await? {
            input
                .click()
                .await
                .with_context(|| format!("ticking #{id}"))?;
        }
        Ok(())
    }

    /// Opens a `<details>` disclosure by its summary text (and keeps trying while the page
    /// re-renders).
    pub async fn click_summary(&self, text: &str) -> anyhow::Result<()> {
        let literal = xpath_literal(text);
        let open = format!("//details[@open]/summary[normalize-space(.)={literal}]");
        let deadline = Instant::now() + PATIENCE;
        loop {
            if self.client.find(Locator::XPath(&open)).await.is_ok() {
                return Ok(());
            }
            let summary = self
                .find_waiting(
                    &format!("//summary[normalize-space(.)={literal}]"),
                    &format!("disclosure {literal}"),
                )
                .await?;
            let _ = summary.click().await;
            tokio::time::sleep(Duration::from_millis(150)).await;
            if Instant::now() > deadline {
                bail!("could not open {text:?}");
            }
        }
    }

    /// The id of the plan stage named `name` (read from its fields on the plan page).
    pub async fn stage_id(&self, name: &str) -> anyhow::Result<i64> {
        let field = self.field(&format!("Interview name ({name})")).await?;
        let id = field.attr("id").await?.unwrap_or_default();
        id.trim_start_matches("template-")
            .trim_end_matches("-name")
            .parse()
            .with_context(|| format!("stage id from {id:?}"))
    }

    /// The message shown next to the field labelled `label` (its error), if any.
    pub async fn field_error(&self, label: &str) -> anyhow::Result<Option<String>> {
        let field = self.field(label).await?;
        let Some(id) = field.attr("id").await? else {
            return Ok(None);
        };
        match self.client.find(Locator::Id(&format!("{id}-error"))).await {
            Ok(element) => Ok(Some(element.text().await?)),
            Err(_) => Ok(None),
        }
    }

    /// Waits for, then clicks, the button whose text is `text`.
    pub async fn click_button(&self, text: &str) -> anyhow::Result<()> {
        let literal = xpath_literal(text);
        let button = self
            .find_waiting(
                &format!("//button[normalize-space(.)={literal} and not(@hidden)]"),
                &format!("button {literal}"),
            )
            .await?;
        button
            .click()
            .await
            .with_context(|| format!("clicking {text:?}"))?;
        Ok(())
    }

    /// Waits for, then follows, the link whose text is `text`.
    pub async fn click_link(&self, text: &str) -> anyhow::Result<()> {
        let literal = xpath_literal(text);
        let link = self
            .find_waiting(
                &format!("//a[normalize-space(.)={literal}]"),
                &format!("link {literal}"),
            )
            .await?;
        link.click()
            .await
            .with_context(|| format!("following {text:?}"))?;
        Ok(())
    }

    /// Whether a link with this text is on the page now.
    pub async fn has_link(&self, text: &str) -> anyhow::Result<bool> {
        let literal = xpath_literal(text);
        Ok(self
            .client
            .find(Locator::XPath(&format!(
                "//a[normalize-space(.)={literal}]"
            )))
            .await
            .is_ok())
    }

    /// Runs `script` in the page and returns its result.
    pub async fn eval(&self, script: &str) -> anyhow::Result<serde_json::Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Whether scripts run in this page (false in a browser opened with scripts off).
    pub async fn eval_is_available(&self) -> bool {
        self.eval("return 1").await.is_ok_and(|v| v == json!(1))
            && self
                .eval("return document.documentElement.dataset.hydrated === 'true'")
                .await
                .is_ok_and(|v| v == json!(true))
    }

    /// Waits until the page's WebAssembly has taken over (client code is running).
    pub async fn wait_hydrated(&self) -> anyhow::Result<()> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let hydrated = self
                .eval("return document.documentElement.dataset.hydrated === 'true'")
                .await?;
            if hydrated == json!(true) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("the page was never hydrated");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs axe-core's WCAG 2.1 A and AA rules on the current page and fails on any serious
    /// or critical violation, naming the rule and the elements.
    pub async fn audit_accessibility(&self, page: &str) -> anyhow::Result<()> {
        let source = axe_source()?;
        self.client
            .execute(&format!("{source}\nreturn true;"), vec![])
            .await
            .context("loading axe-core into the page")?;
        let violations = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                   .then(r => done(r.violations
                     .filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => `${v.impact} ${v.id}: ${v.help} [${v.nodes.map(n => n.target.join(' ')).join(', ')}]`)))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .context("running axe-core")?;
        let found: Vec<String> = serde_json::from_value(violations)?;
        anyhow::ensure!(
            found.is_empty(),
            "accessibility violations on {page}:\n{}",
            found.join("\n")
        );
        Ok(())
    }
}

/// axe-core's browser build, installed by `.ci/setup.sh --test` (read once per run).
fn axe_source() -> anyhow::Result<&'static str> {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(source) = SOURCE.get() {
        return Ok(source);
    }
    let dir = std::env::var("HIRELOOP_TOOLS_DIR").map_or_else(
        |_| {
            std::path::PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(".local/share/hireloop-tools")
        },
        std::path::PathBuf::from,
    );
    let path = dir.join("node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "reading {} (run `.ci/setup.sh --test` to install axe-core)",
            path.display()
        )
    })?;
    Ok(SOURCE.get_or_init(|| source))
}
