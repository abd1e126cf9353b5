//! The permission matrix's calls for mail: the outbox, a message, the test email and the
//! reminder times are the admins'; every signed-in user reads and changes their own
//! reminder setting and calendar feed (only their own: the functions take no user).

use crate::access::{call, Call, Role, ADMINS, SIGNED_IN};
use crate::access::{Admin, Anonymous, HiringManager, Interviewer, Manager, Member, Submitted};
use app::mail::api::{
    GetMailMessage, GetMailPage, GetMailSettings, GetMyMailSettings, RegenerateCalendarFeed,
    RemoveCalendarFeed, SaveMailSettings, SaveMyReminders, SendTestEmail,
};
use app::mail::settings::{MailSettingsInput, ShortRemindersInput};
use hireloop_tests::fixture::{actor, app_error};
use hireloop_tests::{Fixture, TestApp};

pub(crate) async fn calls(app: &TestApp, fx: &Fixture, role: Role) -> anyhow::Result<Vec<Call>> {
    use crate::access::Effect::{Reads, Writes};
    let me = match role {
        Admin => Some(&fx.people.admin),
        HiringManager => Some(&fx.people.hiring_manager),
        Manager => Some(&fx.people.manager),
        Interviewer | Submitted => Some(&fx.people.interviewer),
        Member => Some(&fx.people.member),
        Anonymous => None,
    };
    // The caller's short reminders start off, so that ticking the box changes something.
    // (A ticked box is the form's only value: `on`.)
    if let Some(me) = me {
        let me = app::access::myself(actor(app, me).await?);
        app::mail::service::save_short_reminders(&app.db, &me, false, app.clock.now())
            .await
            .map_err(app_error("short reminders off"))?;
    }
    // A message of Ada's to read in full (sent to a file, as every test's mail is).
    let admin = app::access::require_admin(actor(app, &fx.people.admin).await?)
        .map_err(app_error("admin"))?;
    let message = app::mail::service::send_test(&app.db, &admin, &app.mailer, app.clock.now())
        .await
        .map_err(app_error("a message to read"))?;
    Ok(vec![
        call(
            GetMailPage {
                status: Some("sent".into()),
                page: Some(1),
            },
            ADMINS,
            Reads,
        ),
        call(GetMailMessage { id: message }, ADMINS, Reads),
        call(SendTestEmail {}, ADMINS, Writes),
        call(GetMailSettings {}, ADMINS, Reads),
        call(
            SaveMailSettings {
                input: MailSettingsInput {
                    prep_lead_hours: "48".into(),
                    short_lead_minutes: "30".into(),
                    overdue_after_hours: "3".into(),
                },
            },
            ADMINS,
            Writes,
        ),
        call(GetMyMailSettings {}, SIGNED_IN, Reads),
        call(
            SaveMyReminders {
                input: ShortRemindersInput {
                    short_reminders: app::values::Checkbox(true),
                },
            },
            SIGNED_IN,
            Writes,
        ),
        // A new feed, then off again (so that turning it off changes something).
        call(RegenerateCalendarFeed {}, SIGNED_IN, Writes),
        call(RemoveCalendarFeed {}, SIGNED_IN, Writes),
    ])
}
