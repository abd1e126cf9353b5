//! Email: reminders before interviews, calendar invites, overdue-feedback nudges and debrief
//! invitations. Every message is a row of the outbox (`mail_outbox`), written in the same
//! transaction as the change that causes it (`outbox`); the delivery worker (`deliver`)
//! claims due rows with a lease, writes them out (`compose`, `ics`), sends them through the
//! configured transport (`transport`) and marks them. Owns `mail_outbox`, `mail_settings`
//! and the users' reminder and calendar-feed settings.

pub mod api;
#[cfg(feature = "ssr")]
pub mod compose;
#[cfg(feature = "ssr")]
pub mod deliver;
#[cfg(feature = "ssr")]
pub mod feed;
#[cfg(feature = "ssr")]
pub mod ics;
#[cfg(feature = "ssr")]
pub mod outbox;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod render;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;
pub mod settings;
#[cfg(feature = "ssr")]
pub mod transport;

use crate::paging::Paged;
use serde::{Deserialize, Serialize};

crate::choice_enum! {
    /// What a message is.
    pub enum MailKind("kind of email", "Choose a kind of email.") {
        /// Before the interview, with the kit's essentials and the calendar invite.
        Prep = "prep" / "Prep reminder",
        /// Shortly before the interview.
        Short = "short" / "Short reminder",
        /// The interview moved after its invite went out (the invite is updated).
        Moved = "moved" / "Interview moved",
        /// The interview was cancelled (the invite is withdrawn).
        Cancelled = "cancelled" / "Interview cancelled",
        /// The interview ended and the scorecard is not in.
        Overdue = "overdue" / "Feedback overdue",
        /// To the debrief's participants.
        Debrief = "debrief" / "Debrief invitation",
        /// To the hiring manager: every scorecard of a stage is in.
        StageComplete = "stage_complete" / "All feedback in",
        /// Sent from the admin page.
        Test = "test" / "Test email",
    }
}

crate::choice_enum! {
    /// Where a message stands in the outbox.
    pub enum MailStatus("mail status", "Choose a status.") {
        /// Waiting for its time (or for a retry).
        Pending = "pending" / "Waiting",
        /// Claimed by a delivery worker (until its lease runs out).
        Sending = "sending" / "Sending",
        Sent = "sent" / "Sent",
        /// Refused for good (a bad address), or given up after many attempts.
        Failed = "failed" / "Failed",
        /// Not sent, and never will be: the reason is in the outcome.
        Cancelled = "cancelled" / "Not sent",
    }
}

#[cfg(feature = "ssr")]
crate::text_enum_column!(MailKind, MailStatus);

/// One message in the admin's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailRow {
    pub id: i64,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub status: MailStatus,
    /// When it is (or was) due, in the viewer's zone.
    pub due: String,
    /// When it was sent, in the viewer's zone.
    pub sent: Option<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub outcome: Option<String>,
}

/// The admin's "Sent mail" page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailPage {
    /// How mail leaves this server, in words.
    pub transport: String,
    pub waiting: i64,
    pub failed: i64,
    pub rows: Paged<MailRow>,
}

/// One message in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailMessage {
    pub row: MailRow,
    pub message_id: String,
    pub body_text: String,
    pub body_html: String,
    pub attachment_name: Option<String>,
    pub attachment: Option<String>,
    /// The `.eml` file it was written to (no SMTP server configured).
    pub file: Option<String>,
}
