//! How mail leaves the server: SMTP through `lettre` (TLS, STARTTLS or plain, with or without
//! credentials), or — with no SMTP server configured — `.eml` files in a folder, which the
//! admin's "Sent mail" page lists. Errors are sorted into those worth retrying (the server
//! is unreachable, busy, or refuses our credentials: fixing the configuration makes them go)
//! and permanent ones about the message itself (a rejected or malformed address).

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// How to talk to the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain text (a relay on the same machine or network).
    None,
    /// Plain, upgraded with STARTTLS (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl TlsMode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "none" | "plain" | "" => Ok(Self::None),
            "starttls" => Ok(Self::StartTls),
            "tls" | "ssl" => Ok(Self::Tls),
            other => Err(format!(
                "unknown SMTP TLS mode {other:?}: use none, starttls or tls"
            )),
        }
    }
}

/// An SMTP server.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub user: Option<String>,
    pub password: Option<String>,
    /// Connections kept open to the server (messages go out this many at a time).
    pub connections: u32,
}

/// Where mail goes and who it is from.
#[derive(Debug, Clone)]
pub struct MailerConfig {
    /// `None`: write `.eml` files to `dir`.
    pub smtp: Option<SmtpConfig>,
    pub dir: PathBuf,
    pub from_address: String,
    pub from_name: String,
    pub reply_to: Option<String>,
    /// The host part of Message-IDs and calendar UIDs (the public URL's host).
    pub host: String,
}

/// How long one message may take to send.
const SEND_TIMEOUT: Duration = Duration::from_mins(1);

enum Channel {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// The configured transport, shared by the delivery worker and the admin's test button.
pub struct Mailer {
    channel: Channel,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    host: String,
    described: String,
    concurrency: usize,
}

/// One message ready to go.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub to: String,
    pub to_name: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// A calendar invite: file name, content and its method (`REQUEST`, `CANCEL`).
    pub calendar: Option<(String, String, String)>,
    /// The local part of the Message-ID (derived from the outbox row).
    pub message_key: String,
}

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// About this message: do not try again (a rejected or malformed address).
    Permanent(String),
    /// Try again later (unreachable, busy, refused credentials).
    Transient(String),
    /// The server could not be reached at all: the rest of the batch need not try now.
    Unreachable(String),
}

impl SendError {
    pub fn message(&self) -> &str {
        match self {
            SendError::Permanent(m) | SendError::Transient(m) | SendError::Unreachable(m) => m,
        }
    }
}

impl Mailer {
    pub fn new(config: &MailerConfig) -> anyhow::Result<Self> {
        let from = Mailbox::new(
            Some(config.from_name.clone()),
            config
                .from_address
                .parse()
                .map_err(|e| anyhow::anyhow!("the from address {:?}: {e}", config.from_address))?,
        );
        let reply_to = match &config.reply_to {
            Some(address) if !address.trim().is_empty() => Some(
                address
                    .parse()
                    .map_err(|e| anyhow::anyhow!("the reply-to address {address:?}: {e}"))?,
            ),
            _ => None,
        };
        let (channel, described, concurrency) = match &config.smtp {
            Some(smtp) => {
                let builder = match smtp.tls {
                    TlsMode::None => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
                    }
                    TlsMode::StartTls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?
                    }
                    TlsMode::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
                };
                let mut builder = builder
                    .port(smtp.port)
                    .timeout(Some(Duration::from_secs(15)))
                    .pool_config(PoolConfig::new().max_size(smtp.connections.max(1)));
                if let (Some(user), Some(password)) = (&smtp.user, &smtp.password) {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                let mode = match smtp.tls {
                    TlsMode::None => "no TLS",
                    TlsMode::StartTls => "STARTTLS",
                    TlsMode::Tls => "TLS",
                };
                (
                    Channel::Smtp(builder.build()),
                    format!(
                        "SMTP server {}:{} ({mode}{})",
                        smtp.host,
                        smtp.port,
                        if smtp.user.is_some() {
                            ", signed in"
                        } else {
                            ""
                        }
                    ),
                    usize::try_from(smtp.connections.max(1)).unwrap_or(1),
                )
            }
            None => (
                Channel::Files(config.dir.clone()),
                format!(
                    "No SMTP server is configured: messages are written to {} as .eml files.",
                    config.dir.display()
                ),
                4,
            ),
        };
        Ok(Self {
            channel,
            from,
            reply_to,
            host: config.host.clone(),
            described,
            concurrency,
        })
    }

    /// How mail leaves this server, in words.
    pub fn describe(&self) -> &str {
        &self.described
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn from_address(&self) -> String {
        self.from.email.to_string()
    }

    /// How many messages the worker may have in flight.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// Where the message with this key was written, when mail goes to files.
    pub fn file_of(&self, key: &str) -> Option<String> {
        match &self.channel {
            Channel::Files(dir) => Some(dir.join(format!("{key}.eml")).display().to_string()),
            Channel::Smtp(_) => None,
        }
    }

    /// The Message-ID of a message with this key.
    pub fn message_id(&self, key: &str) -> String {
        format!("<{key}@{}>", self.host)
    }

    fn build(&self, mail: &Outgoing) -> Result<Message, SendError> {
        let address = mail.to.trim().parse().map_err(|e| {
            SendError::Permanent(format!("{:?} is not a valid email address ({e}).", mail.to))
        })?;
        let to = Mailbox::new(
            (!mail.to_name.is_empty()).then(|| mail.to_name.clone()),
            address,
        );
        let mut builder = Message::builder()
            .message_id(Some(self.message_id(&mail.message_key)))
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone());
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        let alternative = MultiPart::alternative()
            .singlepart(SinglePart::plain(mail.text.clone()))
            .singlepart(SinglePart::html(mail.html.clone()));
        let message = match &mail.calendar {
            Some((name, content, method)) => {
                let kind =
                    ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                        .map_err(|e| SendError::Permanent(format!("calendar content type: {e}")))?;
                builder.multipart(
                    MultiPart::mixed()
                        .multipart(alternative)
                        .singlepart(Attachment::new(name.clone()).body(content.clone(), kind)),
                )
            }
            None => builder.multipart(alternative),
        };
        message.map_err(|e| SendError::Permanent(format!("the message could not be built: {e}")))
    }

    /// Sends one message. With files, writes `<key>.eml` (a second send overwrites it).
    pub async fn send(&self, mail: &Outgoing) -> Result<(), SendError> {
        let message = self.build(mail)?;
        match &self.channel {
            // lettre's own timeout covers connecting only; a server that takes the connection
            // and then never answers must not hold the worker (and the other jobs) forever.
            Channel::Smtp(smtp) => {
                match tokio::time::timeout(SEND_TIMEOUT, smtp.send(message)).await {
                    Ok(sent) => sent.map(|_| ()).map_err(classify),
                    Err(_) => Err(SendError::Unreachable(format!(
                        "The SMTP server did not answer within {} seconds.",
                        SEND_TIMEOUT.as_secs()
                    ))),
                }
            }
            Channel::Files(dir) => {
                tokio::fs::create_dir_all(dir).await.map_err(|e| {
                    SendError::Unreachable(format!("cannot create {}: {e}", dir.display()))
                })?;
                let path = dir.join(format!("{}.eml", mail.message_key));
                let part = dir.join(format!("{}.eml.part", mail.message_key));
                tokio::fs::write(&part, message.formatted())
                    .await
                    .map_err(|e| {
                        SendError::Unreachable(format!("cannot write {}: {e}", part.display()))
                    })?;
                tokio::fs::rename(&part, &path).await.map_err(|e| {
                    SendError::Unreachable(format!("cannot write {}: {e}", path.display()))
                })
            }
        }
    }
}

/// Sorts an SMTP failure. Refused credentials (530, 534, 535, 538) are permanent replies, but
/// about our configuration rather than the message: they retry, so fixing the settings
/// delivers everything that waited.
fn classify(error: lettre::transport::smtp::Error) -> SendError {
    let code = error.status().map(u16::from);
    let text = match code {
        Some(530 | 534 | 535 | 538) => format!("The SMTP server refused the credentials: {error}"),
        Some(_) => format!("The SMTP server answered: {error}"),
        None => format!("The SMTP server could not be reached: {error}"),
    };
    match code {
        Some(530 | 534 | 535 | 538) => SendError::Transient(text),
        Some(_) if error.is_permanent() => SendError::Permanent(text),
        Some(_) => SendError::Transient(text),
        None if error.is_client() => SendError::Transient(format!("SMTP: {error}")),
        None => SendError::Unreachable(text),
    }
}
