//! The in-process SMTP listener of the end-to-end tests, checked with a real SMTP client
//! (lettre, as the application uses it).

use std::time::Duration;

use anyhow::{bail, ensure, Context};
use hireloop_tests::smtp::{Received, SmtpListener, SmtpOptions};
use hireloop_tests::TestResult;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

const WAIT: Duration = Duration::from_secs(10);
const QUIET: Duration = Duration::from_millis(300);

const TEXT: &str = "Bonjour Zoë,\r\n\r\nYour interview is confirmed: Café Über, Müller room.\r\n";
const HTML: &str =
    "<p>Bonjour Zoë,</p>\r\n<p>Your interview is confirmed: <b>Café Über</b>.</p>\r\n";

/// A calendar with non-ASCII text and a line far longer than a mail line may be.
fn calendar() -> String {
    let long = "Déjà vu über alles — ".repeat(20);
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Hireloop//Test//EN\r\nMETHOD:REQUEST\r\n\
         BEGIN:VEVENT\r\nUID:interview-42@hireloop.test\r\nSUMMARY:Entretien avec Zoë Müller\r\n\
         DESCRIPTION:{long}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

fn transport(listener: &SmtpListener) -> AsyncSmtpTransport<Tokio1Executor> {
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(listener.port())
        .build()
}

fn authenticating(
    listener: &SmtpListener,
    user: &str,
    password: &str,
) -> AsyncSmtpTransport<Tokio1Executor> {
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(listener.port())
        .credentials(Credentials::new(user.to_owned(), password.to_owned()))
        .build()
}

fn invitation(to: &str, message_id: &str) -> anyhow::Result<Message> {
    let attachment = Attachment::new("invite.ics".to_owned()).body(
        calendar(),
        ContentType::parse("text/calendar; charset=utf-8; method=REQUEST")?,
    );
    let message = Message::builder()
        .from("Hireloop <noreply@hireloop.test>".parse()?)
        .to(to.parse()?)
        .subject("Entretien confirmé — Zoë Müller")
        .message_id(Some(message_id.to_owned()))
        .multipart(
            MultiPart::mixed()
                .multipart(MultiPart::alternative_plain_html(
                    TEXT.to_owned(),
                    HTML.to_owned(),
                ))
                .singlepart(attachment),
        )?;
    Ok(message)
}

fn plain(to: &str, subject: &str) -> anyhow::Result<Message> {
    Ok(Message::builder()
        .from("noreply@hireloop.test".parse()?)
        .to(to.parse()?)
        .subject(subject)
        .body("Hello".to_owned())?)
}

#[tokio::test]
async fn delivers_and_decodes_a_multipart_message() -> TestResult {
    let listener = SmtpListener::start(SmtpOptions::default())?;
    let id = "<interview-42.1@hireloop.test>";
    transport(&listener)
        .send(invitation("Zoë Müller <zoe@example.test>", id)?)
        .await
        .context("sending the invitation")?;

    let messages = listener.wait_for(1, WAIT).await?;
    let settled = listener.settle(QUIET).await;
    ensure!(settled.len() == 1, "delivered {} times", settled.len());
    ensure!(listener.count() == 1);
    let message = &messages[0];

    ensure!(message.envelope_from == "noreply@hireloop.test");
    ensure!(message.envelope_to == ["zoe@example.test"]);
    ensure!(message.raw.contains("\r\n"), "the DATA keeps CRLF lines");
    ensure!(
        message.message_id().as_deref() == Some(id),
        "{:?}",
        message.message_id()
    );
    ensure!(
        message.subject() == "Entretien confirmé — Zoë Müller",
        "subject {:?}",
        message.subject()
    );
    ensure!(message.to().contains("zoe@example.test") && message.to().contains("Zoë Müller"));
    ensure!(message
        .header("content-type")
        .is_some_and(|t| t.starts_with("multipart/mixed")));
    ensure!(message.header("X-Nothing").is_none());

    let text = message.text()?;
    ensure!(text == TEXT, "text {text:?}");
    let html = message.html()?;
    ensure!(html == HTML, "html {html:?}");
    let ics = message.calendar()?.context("no calendar part")?;
    ensure!(ics == calendar(), "calendar {ics:?}");

    let attachments = message.attachments()?;
    ensure!(
        attachments
            == [(
                "invite.ics".to_owned(),
                "text/calendar".to_owned(),
                calendar()
            )],
        "attachments {attachments:?}"
    );

    listener.clear();
    ensure!(listener.count() == 0 && listener.messages().is_empty());
    Ok(())
}

#[tokio::test]
async fn a_plain_message_has_text_but_no_html_or_calendar() -> TestResult {
    let listener = SmtpListener::start(SmtpOptions::default())?;
    let transport = transport(&listener);
    transport.send(plain("a@example.test", "First")?).await?;
    transport.send(plain("b@example.test", "Second")?).await?;
    let messages = listener.wait_for(2, WAIT).await?;
    let subjects: Vec<String> = messages.iter().map(Received::subject).collect();
    ensure!(
        subjects == ["First", "Second"],
        "arrival order {subjects:?}"
    );
    // A single part's body ends where the DATA ends: with the line end SMTP adds.
    ensure!(
        messages[0].text()? == "Hello\r\n",
        "{:?}",
        messages[0].text()
    );
    ensure!(messages[0].html().is_err());
    ensure!(messages[0].calendar()?.is_none());
    ensure!(messages[0].attachments()?.is_empty());

    let Err(error) = listener.wait_for(3, Duration::from_millis(100)).await else {
        bail!("a third message cannot have come");
    };
    ensure!(error.to_string().contains("2 arrived"), "{error}");
    Ok(())
}

#[tokio::test]
async fn a_rejected_recipient_is_a_permanent_failure() -> TestResult {
    let listener = SmtpListener::start(SmtpOptions {
        reject_recipients: vec!["Nobody@Example.test".to_owned()],
        ..SmtpOptions::default()
    })?;
    let Err(error) = transport(&listener)
        .send(plain("nobody@example.TEST", "Lost")?)
        .await
    else {
        bail!("the rejected recipient was accepted");
    };
    ensure!(error.is_permanent(), "not permanent: {error}");
    ensure!(error.to_string().contains("(550)"), "{error}");
    ensure!(listener.settle(QUIET).await.is_empty());

    transport(&listener)
        .send(plain("somebody@example.test", "Found")?)
        .await?;
    ensure!(listener.wait_for(1, WAIT).await?[0].subject() == "Found");
    Ok(())
}

#[tokio::test]
async fn the_first_delivery_fails_transiently_then_succeeds() -> TestResult {
    let listener = SmtpListener::start(SmtpOptions {
        fail_first: 1,
        ..SmtpOptions::default()
    })?;
    let transport = transport(&listener);
    let Err(error) = transport.send(plain("a@example.test", "Retry me")?).await else {
        bail!("the first delivery was accepted");
    };
    ensure!(error.is_transient(), "not transient: {error}");
    ensure!(error.to_string().contains("(451)"), "{error}");
    ensure!(listener.count() == 0, "a refused message was recorded");

    transport.send(plain("a@example.test", "Retry me")?).await?;
    let messages = listener.wait_for(1, WAIT).await?;
    ensure!(listener.settle(QUIET).await.len() == 1);
    ensure!(messages[0].subject() == "Retry me");
    Ok(())
}

#[tokio::test]
async fn credentials_are_required() -> TestResult {
    let listener = SmtpListener::start(SmtpOptions {
        credentials: Some(("mailer".to_owned(), "s3cret é".to_owned())),
        ..SmtpOptions::default()
    })?;

    let Err(error) = authenticating(&listener, "mailer", "wrong")
        .send(plain("a@example.test", "Wrong password")?)
        .await
    else {
        bail!("wrong credentials were accepted");
    };
    ensure!(error.is_permanent(), "535 is permanent: {error}");
    ensure!(error.to_string().contains("(535)"), "{error}");

    let Err(error) = transport(&listener)
        .send(plain("a@example.test", "No credentials")?)
        .await
    else {
        bail!("mail without authentication was accepted");
    };
    ensure!(error.is_permanent(), "530 is permanent: {error}");
    ensure!(error.to_string().contains("(530)"), "{error}");
    ensure!(listener.settle(QUIET).await.is_empty());

    authenticating(&listener, "mailer", "s3cret é")
        .send(plain("a@example.test", "Right password")?)
        .await
        .context("sending with the right credentials")?;
    let messages = listener.wait_for(1, WAIT).await?;
    ensure!(messages.len() == 1 && messages[0].subject() == "Right password");
    Ok(())
}

#[tokio::test]
async fn the_listener_stops_with_its_last_handle() -> TestResult {
    let listener = SmtpListener::start(SmtpOptions::default())?;
    let port = listener.port();
    let clone = listener.clone();
    drop(listener);
    ensure!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(),
        "a clone keeps it"
    );
    drop(clone);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bail!("port {port} still accepts connections")
}
