//! The admin's "Sent mail" page (the outbox, one message, the test email, reminder times)
//! and the reminders section of a user's account page.

use super::api::{
    get_mail_message, get_mail_page, get_mail_settings, get_my_mail_settings,
    RegenerateCalendarFeed, RemoveCalendarFeed, SaveMailSettings, SaveMyReminders, SendTestEmail,
};
use super::settings::{MailSettingsInput, MyMailSettings};
use super::{MailMessage, MailPage, MailRow, MailStatus};
use crate::components::{
    action_error, field_error, loaded, use_route_id, FormError, FormSaved, TableWrap, TextField,
};
use crate::paging::Pager;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn status_badge(status: MailStatus) -> impl IntoView {
    let class = match status {
        MailStatus::Sent => "badge badge-ok",
        MailStatus::Failed => "badge badge-warn",
        _ => "badge",
    };
    view! { <span class=class>{status.label()}</span> }
}

fn what_happened(row: &MailRow) -> String {
    match (&row.status, &row.last_error, &row.outcome, &row.sent) {
        (MailStatus::Sent, _, _, Some(sent)) => format!("Sent {sent}"),
        (MailStatus::Cancelled, _, Some(outcome), _) => outcome.clone(),
        (_, Some(error), _, _) => error.clone(),
        (MailStatus::Pending, None, _, _) => format!("Due {}", row.due),
        _ => String::new(),
    }
}

#[component]
fn MailTable(rows: Vec<MailRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No mail here."</p> }.into_any();
    }
    view! {
        <TableWrap label="Mail">
            <table>
                <caption class="visually-hidden">"Mail, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"To"</th>
                        <th scope="col">"What"</th>
                        <th scope="col">"Subject"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Attempts"</th>
                        <th scope="col">"What happened"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            let happened = what_happened(&row);
                            let subject = if row.subject.is_empty() {
                                "(written when it is sent)".to_owned()
                            } else {
                                row.subject.clone()
                            };
                            view! {
                                <tr>
                                    <td>{row.recipient.clone()}</td>
                                    <td>{row.kind.label()}</td>
                                    <td><a href=format!("/admin/mail/{}", row.id)>{subject}</a></td>
                                    <td>{status_badge(row.status)}</td>
                                    <td>{row.attempts}</td>
                                    <td>{happened}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableWrap>
    }
    .into_any()
}

#[component]
pub fn SentMailPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        (
            q.get("status").filter(|s| !s.is_empty()),
            q.get("page").and_then(|p| p.parse::<u32>().ok()),
        )
    };
    let data = Resource::new(args, |(status, page)| get_mail_page(status, page));
    let save = ServerAction::<SaveMailSettings>::new();
    let test = ServerAction::<SendTestEmail>::new();
    let settings = Resource::new(move || save.version().get(), |_| get_mail_settings());
    let error = action_error(save);
    let test_error = action_error(test);
    let saved = Signal::derive(move || query.read().get("saved").is_some());
    let filter = move || query.read().get("status").unwrap_or_default();
    view! {
        <Title text="Sent mail · Hireloop" />
        <section class="page wide">
            <p class="breadcrumb"><a href="/admin">"Admin"</a></p>
            <h1>"Sent mail"</h1>
            {loaded(data, move |page: MailPage| view! {
                <p>{page.transport.clone()}</p>
                <p>
                    {format!("{} waiting · {} failed", page.waiting, page.failed)}
                </p>
                <ActionForm action=test attr:class="form inline">
                    <FormError error=test_error />
                    <button type="submit">"Send a test email"</button>
                    <span class="hint">" to your own address, now."</span>
                </ActionForm>
                <nav aria-label="Filter mail">
                    <ul class="tabs">
                        {[("", "All"), ("pending", "Waiting"), ("sent", "Sent"), ("failed", "Failed"), ("cancelled", "Not sent")]
                            .into_iter()
                            .map(|(value, label)| {
                                let current = (filter() == value).then_some("page");
                                let href = if value.is_empty() { "/admin/mail".to_owned() } else { format!("/admin/mail?status={value}") };
                                view! { <li><a href=href aria-current=current>{label}</a></li> }
                            })
                            .collect_view()}
                    </ul>
                </nav>
                <MailTable rows=page.rows.items.clone() />
                <Pager page=page.rows.page more=page.rows.more label="Mail" previous="Newer mail" next="Older mail" />
            })}
            <section class="panel">
                <h2>"When reminders go out"</h2>
                <p class="hint">"For interviews scheduled or moved from now on."</p>
                {loaded(settings, move |input: MailSettingsInput| view! {
                    <ActionForm action=save attr:class="form" attr:novalidate=true>
                        <FormError error=error />
                        <FormSaved when=saved message="Reminder times saved." />
                        <TextField
                            label="Prep reminders, hours before the interview"
                            name="input[prep_lead_hours]"
                            value=input.prep_lead_hours.clone()
                            hint="Separate several with commas, e.g. 48, 24. Each carries the calendar invite."
                            error=field_error(error, "prep_lead_hours")
                        />
                        <TextField
                            label="Short reminder, minutes before the interview"
                            name="input[short_lead_minutes]"
                            value=input.short_lead_minutes.clone()
                            hint="0 sends none. Each interviewer may switch it off for themselves."
                            error=field_error(error, "short_lead_minutes")
                        />
                        <TextField
                            label="First feedback nudge, hours after the interview"
                            name="input[overdue_after_hours]"
                            value=input.overdue_after_hours.clone()
                            hint="Then one a day, at most five, until the scorecard is in."
                            error=field_error(error, "overdue_after_hours")
                        />
                        <div class="actions">
                            <button type="submit">"Save reminder times"</button>
                        </div>
                    </ActionForm>
                })}
            </section>
        </section>
    }
}

#[component]
pub fn MailMessagePage() -> impl IntoView {
    let id = use_route_id("id");
    let data = Resource::new(id, get_mail_message);
    view! {
        <Title text="Message · Hireloop" />
        <section class="page">
            <p class="breadcrumb"><a href="/admin/mail">"Sent mail"</a></p>
            {loaded(data, |message: MailMessage| {
                let row = message.row.clone();
                let happened = what_happened(&row);
                view! {
                    <h1>{if row.subject.is_empty() { row.kind.label().to_owned() } else { row.subject.clone() }}</h1>
                    <dl class="facts">
                        <dt>"To"</dt><dd>{row.recipient.clone()}</dd>
                        <dt>"What"</dt><dd>{row.kind.label()}</dd>
                        <dt>"Status"</dt><dd>{status_badge(row.status)}</dd>
                        <dt>"Due"</dt><dd>{row.due.clone()}</dd>
                        <dt>"Attempts"</dt><dd>{row.attempts}</dd>
                        <dt>"What happened"</dt><dd>{happened}</dd>
                        <dt>"Message-ID"</dt><dd class="mono">{message.message_id.clone()}</dd>
                        {message.file.clone().map(|file| view! { <dt>"Written to"</dt><dd class="mono">{file}</dd> })}
                    </dl>
                    {(!message.body_text.is_empty()).then(|| view! {
                        <h2>"Text"</h2>
                        <pre class="mail-text">{message.body_text.clone()}</pre>
                    })}
                    {(!message.body_html.is_empty()).then(|| view! {
                        <h2>"As HTML"</h2>
                        <iframe class="mail-html" title="The message as HTML" sandbox="" srcdoc=message.body_html.clone()></iframe>
                    })}
                    {message.attachment.clone().map(|ics| view! {
                        <h2>{format!("Attachment: {}", message.attachment_name.clone().unwrap_or_default())}</h2>
                        <pre class="mail-text">{ics}</pre>
                    })}
                }
            })}
        </section>
    }
}

/// The reminders and calendar-feed section of the account page.
#[component]
pub fn MyMailSettingsPanel() -> impl IntoView {
    let query = use_query_map();
    let save = ServerAction::<SaveMyReminders>::new();
    let regenerate = ServerAction::<RegenerateCalendarFeed>::new();
    let remove = ServerAction::<RemoveCalendarFeed>::new();
    let data = Resource::new(
        move || {
            (
                save.version().get(),
                regenerate.version().get(),
                remove.version().get(),
            )
        },
        |_| get_my_mail_settings(),
    );
    let error = action_error(save);
    let saved = Signal::derive(move || query.read().get("saved").as_deref() == Some("reminders"));
    let removed =
        Signal::derive(move || query.read().get("saved").as_deref() == Some("feed-removed"));
    view! {
        {loaded(data, move |settings: MyMailSettings| view! {
            <section class="panel">
                <h2>"Reminders"</h2>
                <p class="hint">
                    "Before every interview you get a prep reminder with the calendar invite; a nudge follows when feedback is overdue."
                </p>
                <ActionForm action=save attr:class="form">
                    <FormError error=error />
                    <FormSaved when=saved message="Reminder setting saved." />
                    <label class="choice">
                        <input type="checkbox" name="input[short_reminders]" value="on" checked=settings.short_reminders />
                        {if settings.short_lead.is_empty() {
                            "Also remind me shortly before each interview (an admin has turned these reminders off for now)".to_owned()
                        } else {
                            format!("Also remind me {} before each interview", settings.short_lead)
                        }}
                    </label>
                    <div class="actions">
                        <button type="submit">"Save reminder setting"</button>
                    </div>
                </ActionForm>
            </section>
            <section class="panel">
                <h2>"Calendar feed"</h2>
                <p class="hint">
                    "A private address your calendar app can subscribe to: your upcoming interviews, as My interviews lists them. Anyone with the address can read it; make a new one to revoke the old."
                </p>
                <FormSaved when=removed message="Calendar feed turned off." />
                {settings.new_feed_url.clone().map(|url| view! {
                    <div class="form-saved" role="status">
                        <p>"Your new calendar feed address (shown once; copy it now):"</p>
                        <p><label>"Calendar feed address" <input type="text" readonly=true class="mono" value=url /></label></p>
                    </div>
                })}
                <p>{if settings.has_feed { "Your calendar feed is on." } else { "You have no calendar feed." }}</p>
                <ActionForm action=regenerate attr:class="form inline">
                    <button type="submit">
                        {if settings.has_feed { "Make a new feed address" } else { "Make a calendar feed address" }}
                    </button>
                </ActionForm>
                {settings.has_feed.then(|| view! {
                    <ActionForm action=remove attr:class="form inline">
                        <button type="submit" class="secondary">"Turn the calendar feed off"</button>
                    </ActionForm>
                })}
            </section>
        })}
    }
}
