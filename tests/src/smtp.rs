//! An SMTP server inside the test process: it records every accepted message so that tests
//! can read what the application sent, and can refuse recipients, demand credentials or fail
//! the first deliveries transiently.
//!
//! The SMTP dialogue is `mailin`'s state machine (the one `mailin-embedded` runs), driven by
//! our own accept loop with one thread per connection: `mailin-embedded` offers AUTH only
//! after STARTTLS and cannot be told otherwise (nor stopped). The listener stops accepting
//! when the last [`SmtpListener`] handle is dropped.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use mailin::{response, Action, AuthMechanism, Handler, Response, SessionBuilder};
use mailparse::{DispositionType, MailHeaderMap, ParsedMail};

/// How often [`SmtpListener::wait_for`] and [`SmtpListener::settle`] look at the messages.
const POLL: Duration = Duration::from_millis(20);

/// A connection that says nothing for this long is closed (clients' pools keep them open).
const IDLE_TIMEOUT: Duration = Duration::from_mins(5);

/// How the listener behaves.
#[derive(Debug, Clone, Default)]
pub struct SmtpOptions {
    /// Recipients (full address, case-insensitive) answered at RCPT with 550 (a permanent rejection).
    pub reject_recipients: Vec<String>,
    /// When `Some((user, password))`: the server advertises AUTH PLAIN and refuses mail from
    /// sessions that did not authenticate with exactly these credentials (535 on bad
    /// credentials, 530 at MAIL when not authenticated).
    pub credentials: Option<(String, String)>,
    /// The first N DATA transactions are answered with 451 (a transient failure), after that
    /// accepted. The 451 answers the DATA command itself, before the message is sent.
    pub fail_first: usize,
}

/// One accepted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The envelope sender (MAIL FROM), without angle brackets.
    pub envelope_from: String,
    /// The envelope recipients (RCPT TO), without angle brackets, in the order given.
    pub envelope_to: Vec<String>,
    /// The DATA as received (CRLF lines, dot-stuffing removed, without the final `.` line).
    pub raw: String,
}

/// A running listener on 127.0.0.1; clones share it.
#[derive(Clone)]
pub struct SmtpListener {
    inner: Arc<Inner>,
}

/// What the listener's handles share; dropping it stops the accept loop.
struct Inner {
    port: u16,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
}

/// What the handles and the server's threads share.
struct Shared {
    options: SmtpOptions,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    messages: Vec<Received>,
    /// Messages accepted since the start, including cleared ones (for `settle`).
    accepted: u64,
    /// DATA transactions refused so far (for `fail_first`).
    failed: usize,
}

impl Shared {
    /// The state; a panic elsewhere while holding the lock leaves it consistent (each change
    /// is a single push or increment), so poisoning is ignored.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl SmtpListener {
    /// Binds 127.0.0.1 on a free port and starts serving on a background thread.
    pub fn start(options: SmtpOptions) -> anyhow::Result<SmtpListener> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .context("binding the SMTP listener to 127.0.0.1")?;
        let port = listener
            .local_addr()
            .context("reading the SMTP listener's port")?
            .port();
        let shared = Arc::new(Shared {
            options,
            state: Mutex::new(State::default()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let mut builder = SessionBuilder::new("hireloop-test-smtp");
        if shared.options.credentials.is_some() {
            builder
                .enable_auth(AuthMechanism::Plain)
                .insecure_enable_plaintext_auth();
        }
        let server_shared = Arc::clone(&shared);
        let server_stop = Arc::clone(&stop);
        thread::Builder::new()
            .name(format!("smtp-listener-{port}"))
            .spawn(move || accept_loop(&listener, &builder, &server_shared, &server_stop))
            .context("starting the SMTP listener's thread")?;
        Ok(SmtpListener {
            inner: Arc::new(Inner { port, shared, stop }),
        })
    }

    /// The port on 127.0.0.1 the listener accepts connections on.
    pub fn port(&self) -> u16 {
        self.inner.port
    }

    /// Every accepted message (since the last [`clear`](Self::clear)), in arrival order.
    pub fn messages(&self) -> Vec<Received> {
        self.inner.shared.state().messages.clone()
    }

    /// How many messages were accepted (since the last [`clear`](Self::clear)).
    pub fn count(&self) -> usize {
        self.inner.shared.state().messages.len()
    }

    /// Forgets the messages received so far (the `fail_first` count is kept).
    pub fn clear(&self) {
        self.inner.shared.state().messages.clear();
    }

    /// Waits (polling every 20 ms) until at least `n` messages arrived, or fails after
    /// `timeout` naming how many came.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> anyhow::Result<Vec<Received>> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= n {
                return Ok(messages);
            }
            if Instant::now() >= deadline {
                let subjects: Vec<String> = messages.iter().map(Received::subject).collect();
                bail!(
                    "expected {n} message(s) on the SMTP listener within {timeout:?}, {} arrived \
                     (subjects: {subjects:?})",
                    messages.len()
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until no new message has arrived for `quiet` (for asserting that nothing more
    /// comes), then answers the messages. Always waits at least `quiet`.
    pub async fn settle(&self, quiet: Duration) -> Vec<Received> {
        let mut seen = self.inner.shared.state().accepted;
        let mut since = Instant::now();
        loop {
            let remaining = quiet.saturating_sub(since.elapsed());
            if remaining.is_zero() {
                return self.messages();
            }
            tokio::time::sleep(POLL.min(remaining)).await;
            let accepted = self.inner.shared.state().accepted;
            if accepted != seen {
                seen = accepted;
                since = Instant::now();
            }
        }
    }
}

impl std::fmt::Debug for SmtpListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpListener")
            .field("port", &self.inner.port)
            .field("options", &self.inner.shared.options)
            .finish_non_exhaustive()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag; connections already open finish
        // on their own.
        let _ = TcpStream::connect_timeout(
            &SocketAddr::from((Ipv4Addr::LOCALHOST, self.port)),
            Duration::from_secs(1),
        );
    }
}

fn accept_loop(
    listener: &TcpListener,
    builder: &SessionBuilder,
    shared: &Arc<Shared>,
    stop: &AtomicBool,
) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else {
            // Out of file descriptors, say: try again shortly rather than spin.
            thread::sleep(POLL);
            continue;
        };
        let builder = builder.clone();
        let shared = Arc::clone(shared);
        // A connection that cannot get a thread is dropped: the client sees it closed.
        let _ = thread::Builder::new()
            .name("smtp-listener-session".to_owned())
            .spawn(move || {
                let _ = converse(stream, &builder, shared);
            });
    }
}

/// One SMTP session, until the client quits or the connection closes.
fn converse(stream: TcpStream, builder: &SessionBuilder, shared: Arc<Shared>) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    stream.set_write_timeout(Some(IDLE_TIMEOUT))?;
    // Replies go out at once (each is one write), as a real server's would.
    stream.set_nodelay(true)?;
    let remote = stream
        .peer_addr()
        .map_or(IpAddr::V6(Ipv6Addr::LOCALHOST), |address| address.ip());
    let authenticated = Arc::new(AtomicBool::new(false));
    let requires_auth = shared.options.credentials.is_some();
    let handler = Session {
        shared,
        authenticated: Arc::clone(&authenticated),
        transaction: None,
    };
    let mut session = builder.build(remote, handler);
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = BufWriter::new(stream);
    reply(&mut writer, &session.greeting())?;
    let mut line = Vec::with_capacity(1024);
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        // mailin answers MAIL before authentication with 503 (bad sequence); a real server
        // says 530. No message body can be under way in that state, so this is a command.
        if requires_auth
            && !authenticated.load(Ordering::SeqCst)
            && line.len() >= 5
            && line[..5].eq_ignore_ascii_case(b"MAIL ")
        {
            reply(&mut writer, &response::AUTHENTICATION_REQUIRED)?;
            continue;
        }
        let answer = session.process(&line);
        match answer.action {
            Action::NoReply => {}
            Action::Reply => reply(&mut writer, &answer)?,
            // No TLS is offered, so an upgrade is never asked for.
            Action::Close | Action::UpgradeTls => {
                reply(&mut writer, &answer)?;
                return Ok(());
            }
        }
    }
}

fn reply(writer: &mut BufWriter<TcpStream>, answer: &Response) -> io::Result<()> {
    answer.write_to(writer)?;
    writer.flush()
}

/// The decisions of one connection's session.
struct Session {
    shared: Arc<Shared>,
    authenticated: Arc<AtomicBool>,
    transaction: Option<Transaction>,
}

/// The message being received.
struct Transaction {
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Session {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, _from: &str) -> Response {
        if self.shared.options.credentials.is_some() && !self.authenticated.load(Ordering::SeqCst) {
            return response::AUTHENTICATION_REQUIRED;
        }
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let rejected = self
            .shared
            .options
            .reject_recipients
            .iter()
            .any(|address| address.eq_ignore_ascii_case(to));
        if rejected {
            response::NO_MAILBOX
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        // Refused at DATA rather than after the message: mailin keeps a session whose
        // message was refused in its data state, so the client's next command would be
        // taken as message text.
        {
            let mut state = self.shared.state();
            if state.failed < self.shared.options.fail_first {
                state.failed += 1;
                return response::INTERNAL_ERROR;
            }
        }
        self.transaction = Some(Transaction {
            from: from.to_owned(),
            to: to.to_vec(),
            data: Vec::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        if let Some(transaction) = &mut self.transaction {
            transaction.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(transaction) = self.transaction.take() {
            let mut state = self.shared.state();
            state.messages.push(Received {
                envelope_from: transaction.from,
                envelope_to: transaction.to,
                raw: String::from_utf8_lossy(&transaction.data).into_owned(),
            });
            state.accepted += 1;
        }
        response::OK
    }

    fn auth_plain(
        &mut self,
        authorization_id: &str,
        authentication_id: &str,
        password: &str,
    ) -> Response {
        let valid = self
            .shared
            .options
            .credentials
            .as_ref()
            .is_some_and(|(user, secret)| {
                authentication_id == user
                    && password == secret
                    && (authorization_id.is_empty() || authorization_id == user)
            });
        self.authenticated.store(valid, Ordering::SeqCst);
        if valid {
            response::AUTH_OK
        } else {
            response::INVALID_CREDENTIALS
        }
    }
}

impl Received {
    /// The first header of this name (case-insensitive), decoded (RFC 2047) and unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let (headers, _) = mailparse::parse_headers(self.raw.as_bytes()).ok()?;
        headers.get_first_value(name)
    }

    /// The Message-ID header as written, angle brackets included.
    pub fn message_id(&self) -> Option<String> {
        self.header("Message-ID").map(|id| id.trim().to_owned())
    }

    /// The Subject header, decoded; empty when there is none.
    pub fn subject(&self) -> String {
        self.header("Subject").unwrap_or_default()
    }

    /// The To header, decoded; empty when there is none.
    pub fn to(&self) -> String {
        self.header("To").unwrap_or_default()
    }

    /// The decoded text/plain body (the first text/plain part that is not an attachment, at
    /// any multipart depth), with the CRLF line ends of the transfer. A single-part
    /// message's body also ends with the line end that closes the DATA (lettre always
    /// sends one, so `"Hello"` arrives as `"Hello\r\n"`).
    pub fn text(&self) -> anyhow::Result<String> {
        self.body("text/plain")
    }

    /// The decoded text/html body (the first text/html part that is not an attachment).
    pub fn html(&self) -> anyhow::Result<String> {
        self.body("text/html")
    }

    /// Attachments as (filename, content type (mime type only, lower-case, e.g.
    /// "text/calendar"), decoded body), in message order: parts marked as attachments or
    /// named, and every text/calendar part, whether an attachment or inline. The filename
    /// is empty when the part has none.
    pub fn attachments(&self) -> anyhow::Result<Vec<(String, String, String)>> {
        let mail = self.parse()?;
        let mut found = Vec::new();
        for part in mail.parts().filter(|part| part.subparts.is_empty()) {
            let name = filename(part);
            if is_attachment(part) || part.ctype.mimetype == "text/calendar" {
                let body = part.get_body().with_context(|| {
                    format!("decoding the {} attachment {name:?}", part.ctype.mimetype)
                })?;
                found.push((name.unwrap_or_default(), part.ctype.mimetype.clone(), body));
            }
        }
        Ok(found)
    }

    /// The first text/calendar part's decoded body, if there is one.
    pub fn calendar(&self) -> anyhow::Result<Option<String>> {
        let mail = self.parse()?;
        let Some(part) = mail
            .parts()
            .find(|part| part.ctype.mimetype == "text/calendar")
        else {
            return Ok(None);
        };
        let body = part.get_body().context("decoding the text/calendar part")?;
        Ok(Some(body))
    }

    fn parse(&self) -> anyhow::Result<ParsedMail<'_>> {
        mailparse::parse_mail(self.raw.as_bytes()).with_context(|| {
            format!(
                "parsing the message {:?} received by the SMTP listener",
                self.subject()
            )
        })
    }

    fn body(&self, mimetype: &str) -> anyhow::Result<String> {
        let mail = self.parse()?;
        let Some(part) = mail
            .parts()
            .find(|part| part.ctype.mimetype == mimetype && !is_attachment(part))
        else {
            let types: Vec<&str> = mail
                .parts()
                .map(|part| part.ctype.mimetype.as_str())
                .collect();
            bail!(
                "the message {:?} has no {mimetype} part (parts: {types:?})",
                self.subject()
            );
        };
        part.get_body()
            .with_context(|| format!("decoding the {mimetype} part"))
    }
}

/// A part's file name: the Content-Disposition's `filename`, else the Content-Type's `name`.
fn filename(part: &ParsedMail<'_>) -> Option<String> {
    let disposition = part.get_content_disposition();
    disposition
        .params
        .get("filename")
        .or_else(|| part.ctype.params.get("name"))
        .cloned()
}

/// Whether a part is an attachment rather than a body: marked so, or named.
fn is_attachment(part: &ParsedMail<'_>) -> bool {
    part.get_content_disposition().disposition == DispositionType::Attachment
        || filename(part).is_some()
}
