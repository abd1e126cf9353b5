//! The live interview page. The agenda, clock and notes are one island: the clock ticks in
//! the browser from the server's time, its buttons and the notes post to the server (plain
//! forms without JavaScript), and notes autosave with retries while the network is away.

use super::api::{get_live, RateChallenge};
use super::clock::{countdown, in_words, ClockState};
use super::{AssignedChallenge, LiveData, LiveItem, LiveSnapshot};
use crate::components::{
    action_error, field_error, loaded, use_route_id, FormError, SelectField, TextArea,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[component]
pub fn LivePage() -> impl IntoView {
    let id = use_route_id("id");
    let data = Resource::new(id, get_live);
    let rate = ServerAction::<RateChallenge>::new();
    let rate_error = action_error(rate);
    let query = use_query_map();
    let rated = move || query.read().get("rated").is_some();
    view! {
        <Title text="Live interview · Hireloop" />
        <section class="page live-page">
            {loaded(data, move |d: LiveData| {
                let id = d.interview_id;
                let props = LiveProps {
                    interview_id: id,
                    duration_minutes: d.duration_minutes,
                    items: d.items.clone(),
                    snapshot: d.snapshot.clone(),
                };
                view! {
                    <p class="breadcrumb">
                        <a href=format!("/interviews/{id}/kit")>"Interview kit"</a>
                        " · "
                        <a href=format!("/interviews/{id}/agenda")>"Agenda"</a>
                    </p>
                    <h1>{format!("Live: {} with {}", d.title, d.candidate_name)}</h1>
                    <p class="status-line">
                        {d.when.clone()} " · "
                        {match d.meeting_link.clone() {
                            Some(link) => view! { <a href=link.clone() rel="noopener noreferrer" target="_blank">{format!("Join the meeting ({link})")}</a> }.into_any(),
                            None => view! { <span>{d.location.clone()}</span> }.into_any(),
                        }}
                        " · "
                        <a href=d.resume_link.clone() target="_blank">{format!("Open {}'s resume", d.candidate_name)}</a>
                    </p>
                    {d.cancelled.then(|| view! { <p class="notice">"This interview is cancelled."</p> })}
                    {if d.items.is_empty() {
                        view! {
                            <p class="notice">
                                "This interview has no agenda yet. "
                                <a href=format!("/interviews/{id}/agenda")>"Add its agenda"</a>
                            </p>
                        }.into_any()
                    } else {
                        view! { <LiveAgenda props /> }.into_any()
                    }}
                    <ChallengesAtHand challenges=d.challenges.clone() can_rate=d.can_rate rate rate_error rated=rated() interview_id=id />
                }
            })}
        </section>
    }
}

#[component]
fn ChallengesAtHand(
    challenges: Vec<AssignedChallenge>,
    can_rate: bool,
    rate: ServerAction<RateChallenge>,
    rate_error: Signal<Option<crate::error::AppError>>,
    rated: bool,
    interview_id: i64,
) -> impl IntoView {
    if challenges.is_empty() {
        return view! { <p class="hint">"No coding challenge is assigned in this interview."</p> }
            .into_any();
    }
    view! {
        {challenges.into_iter().map(|a| {
            let c = a.challenge.clone();
            view! {
                <section class="panel challenge-at-hand" aria-labelledby=format!("challenge-{}", a.assignment_id)>
                    <h2 id=format!("challenge-{}", a.assignment_id)>
                        {format!("Challenge: {}", c.summary.title)}
                    </h2>
                    <p class="hint">{format!("Given by {} · difficulty {} of 5 · about {} minutes", a.interviewer, c.summary.difficulty, c.summary.expected_minutes)}</p>
                    <div class="rendered-markdown" inner_html=c.prompt_html.clone()></div>
                    {(!c.starter_code.is_empty()).then(|| view! {
                        <h3>"Starter code"</h3>
                        <pre><code>{c.starter_code.clone()}</code></pre>
                    })}
                    {(!c.extensions_html.is_empty()).then(|| view! {
                        <h3>"Extensions, if they finish early"</h3>
                        <ol>{c.extensions_html.iter().map(|e| view! { <li class="rendered-markdown" inner_html=e.clone()></li> }).collect_view()}</ol>
                    })}
                    <details open=true>
                        <summary>"Rubric and hints (interviewers only)"</summary>
                        <div class="rendered-markdown" inner_html=c.rubric_html.clone()></div>
                        <div class="rendered-markdown" inner_html=c.hints_html.clone()></div>
                    </details>
                    {(a.mine && can_rate).then(|| view! {
                        <h3>"Rate this challenge"</h3>
                        {rated.then(|| view! { <div class="form-saved" role="status">"Thank you: your rating is saved."</div> })}
                        <ActionForm action=rate attr:class="form" attr:novalidate=true>
                            <FormError error=rate_error />
                            <input type="hidden" name="interview_id" value=interview_id />
                            <input type="hidden" name="input[assignment_id]" value=a.assignment_id />
                            <SelectField
                                label="Did it tell you something about the candidate?"
                                name="input[rating]"
                                options=vec![
                                    ("1".into(), "1 — nothing".into()),
                                    ("2".into(), "2 — a little".into()),
                                    ("3".into(), "3 — some".into()),
                                    ("4".into(), "4 — a lot".into()),
                                    ("5".into(), "5 — everything I needed".into()),
                                ]
                                placeholder="Choose a rating"
                                selected=a.rating.map(|r| r.to_string()).unwrap_or_default()
                                error=field_error(rate_error, "rating")
                            />
                            <TextArea label="Note on the challenge" name="input[note]" rows=3 value=a.rating_note.clone() error=field_error(rate_error, "note") />
                            <button type="submit">"Save rating"</button>
                        </ActionForm>
                    })}
                </section>
            }
        }).collect_view()}
    }
    .into_any()
}

/// What the live island needs (serialised into the page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveProps {
    pub interview_id: i64,
    pub duration_minutes: i64,
    pub items: Vec<LiveItem>,
    pub snapshot: LiveSnapshot,
}

/// Where a note stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoteStatus {
    Saved,
    Unsaved,
    Saving,
    Retrying,
}

impl NoteStatus {
    fn text(self) -> &'static str {
        match self {
            Self::Saved => "Saved",
            Self::Unsaved => "Not saved yet",
            Self::Saving => "Saving…",
            Self::Retrying => "Not saved, retrying",
        }
    }
}

/// One note box's state in the browser.
#[derive(Clone, Copy)]
struct NoteBox {
    item_id: i64,
    text: RwSignal<String>,
    status: RwSignal<NoteStatus>,
    /// Local time of the last keystroke, and of the next retry.
    edited_at: RwSignal<i64>,
    retry_at: RwSignal<i64>,
    in_flight: RwSignal<bool>,
}

/// The browser's clock in milliseconds (0 on the server, where nothing ticks).
fn local_now() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        #[allow(clippy::cast_possible_truncation)]
        let now = js_sys::Date::now() as i64;
        now
    }
    #[cfg(not(feature = "hydrate"))]
    0
}

/// How long typing must pause before a note is sent, and the wait before a retry.
const DEBOUNCE_MS: i64 = 800;
const RETRY_MS: i64 = 3000;
/// How often the clock is read again from the server (another device may have moved it).
const SYNC_MS: i64 = 10_000;

#[island]
fn LiveAgenda(props: LiveProps) -> impl IntoView {
    let LiveProps {
        interview_id,
        duration_minutes,
        items,
        snapshot,
    } = props;
    let minutes: Vec<i64> = items.iter().map(|i| i.minutes).collect();
    let titles: Vec<String> = items.iter().map(|i| i.title.clone()).collect();
    let clock = RwSignal::new(snapshot.clock.clone());
    // The server's time as this browser estimates it: local time plus `offset`.
    let offset = RwSignal::new(0_i64);
    let now = RwSignal::new(snapshot.server_now);
    let error = RwSignal::new(None::<String>);
    let announcement = RwSignal::new(String::new());
    let last_sync = RwSignal::new(0_i64);
    let notes: Vec<NoteBox> = items
        .iter()
        .map(|i| NoteBox {
            item_id: i.id,
            text: RwSignal::new(i.note.clone()),
            status: RwSignal::new(NoteStatus::Saved),
            edited_at: RwSignal::new(0),
            retry_at: RwSignal::new(0),
            in_flight: RwSignal::new(false),
        })
        .collect();
    let notes = StoredValue::new(notes);

    let adopt = move |snap: LiveSnapshot, sent_at: i64| {
        let received = local_now();
        offset.set(snap.server_now - i64::midpoint(sent_at, received));
        now.set(snap.server_now);
        clock.set(snap.clock);
        last_sync.set(received);
    };
    let send = move |action: &'static str| {
        let from = clock.with_untracked(|c| c.current).to_string();
        leptos::task::spawn_local(async move {
            let sent_at = local_now();
            let input = super::ControlInput {
                action: action.to_owned(),
                from,
            };
            match super::api::control_live_clock(interview_id, input).await {
                Ok(snap) => {
                    error.set(None);
                    adopt(snap, sent_at);
                }
                Err(e) => error.set(Some(format!("{e} The clock did not change."))),
            }
        });
    };
    let save_note = move |note: NoteBox| {
        if note.in_flight.get_untracked() {
            return;
        }
        let body = note.text.get_untracked();
        note.in_flight.set(true);
        note.status.set(NoteStatus::Saving);
        leptos::task::spawn_local(async move {
            let input = super::NoteInput {
                item_id: note.item_id,
                body: body.clone(),
            };
            let result = super::api::save_live_note(interview_id, input).await;
            note.in_flight.set(false);
            match result {
                Ok(_) if note.text.get_untracked() == body => note.status.set(NoteStatus::Saved),
                Ok(_) => note.status.set(NoteStatus::Unsaved),
                Err(_) => {
                    note.status.set(NoteStatus::Retrying);
                    note.retry_at.set(local_now() + RETRY_MS);
                }
            }
        });
    };

    // In the browser: tick, sync, autosave, and listen to the keyboard.
    Effect::new(move |_| {
        offset.set(now.get_untracked() - local_now());
        let tick = move || {
            let local = local_now();
            now.set(local + offset.get_untracked());
            if local - last_sync.get_untracked() > SYNC_MS {
                last_sync.set(local);
                leptos::task::spawn_local(async move {
                    let sent_at = local_now();
                    if let Ok(snap) = super::api::live_clock(interview_id).await {
                        adopt(snap, sent_at);
                    }
                });
            }
            notes.with_value(|boxes| {
                for note in boxes.iter().copied() {
                    let due = match note.status.get_untracked() {
                        NoteStatus::Unsaved => {
                            local - note.edited_at.get_untracked() >= DEBOUNCE_MS
                        }
                        NoteStatus::Retrying => local >= note.retry_at.get_untracked(),
                        _ => false,
                    };
                    if due {
                        save_note(note);
                    }
                }
            });
        };
        tick();
        set_interval(tick, std::time::Duration::from_millis(250));
        let keys = window_event_listener(leptos::ev::keydown, move |event| {
            if typing_target(&event) || event.ctrl_key() || event.meta_key() || event.alt_key() {
                return;
            }
            let c = clock.get_untracked();
            let action = match event.key().as_str() {
                " " if !c.started() => Some("start"),
                " " if !c.finished() => Some("next"),
                "Backspace" | "ArrowLeft" if c.started() => Some("back"),
                "p" | "P" if c.paused() => Some("resume"),
                "p" | "P" if c.started() && !c.finished() => Some("pause"),
                _ => None,
            };
            if let Some(action) = action {
                event.prevent_default();
                send(action);
            }
        });
        // The listener lives as long as the page.
        std::mem::forget(keys);
    });

    // Announce a change of item (politely), and the moment an item runs over.
    let current = Memo::new(move |_| clock.with(|c| c.current));
    let over = Memo::new({
        let minutes = minutes.clone();
        move |_| {
            clock.with(|c| {
                c.started() && !c.finished() && c.item_left(&minutes, c.current, now.get()) < 0
            })
        }
    });
    Effect::new({
        let titles = titles.clone();
        let minutes = minutes.clone();
        move |previous: Option<usize>| {
            let index = current.get();
            if previous.is_some_and(|p| p != index) {
                announcement.set(match titles.get(index) {
                    Some(title) => format!(
                        "Now: {title}, {} minutes.",
                        minutes.get(index).copied().unwrap_or(0)
                    ),
                    None => "The interview is finished.".to_owned(),
                });
            }
            index
        }
    });
    Effect::new({
        let titles = titles.clone();
        move |_| {
            if over.get() {
                if let Some(title) = titles.get(current.get_untracked()) {
                    announcement.set(format!("{title} is over its time."));
                }
            }
        }
    });

    let status = {
        let minutes = minutes.clone();
        let titles = titles.clone();
        move || {
            let c = clock.get();
            let t = now.get();
            ClockText::of(&c, &minutes, &titles, duration_minutes, t)
        }
    };
    let state_word = move || {
        clock.with(|c| {
            if !c.started() {
                "Not started"
            } else if c.finished() {
                "Finished"
            } else if c.paused() {
                "Paused"
            } else {
                "Running"
            }
        })
    };
    let action_url = "/api/control_live_clock";
    view! {
        <section class="live-clock" aria-labelledby="clock-heading">
            <h2 id="clock-heading">"Clock"</h2>
            <p class="clock-state">{state_word}</p>
            <div class="clock-figures">
                {
                    let status = status.clone();
                    move || {
                        let s = status();
                        view! {
                            <p class="countdown" class:over=s.item_over role="timer" aria-live="off">
                                <span class="countdown-figure">{s.item_figure}</span>
                                " "
                                <span class="countdown-label">{s.item_label}</span>
                            </p>
                            <p class="countdown-total" role="timer" aria-live="off">{s.total}</p>
                            <p class="countdown-need" class:over=s.need_over>{s.need}</p>
                        }
                    }
                }
            </div>
            <p class="visually-hidden" aria-live="polite" aria-atomic="true">{move || announcement.get()}</p>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <form method="post" action=action_url class="clock-controls">
                <input type="hidden" name="interview_id" value=interview_id />
                <input type="hidden" name="input[from]" prop:value=move || clock.with(|c| c.current.to_string()) value=snapshot.clock.current.to_string() />
                <button type="submit" name="input[action]" value="back" aria-keyshortcuts="Backspace ArrowLeft"
                    disabled=move || clock.with(|c| !c.started() || c.current == 0)
                    on:click=move |e| { e.prevent_default(); send("back"); }>
                    "Back"
                </button>
                {move || {
                    let c = clock.get();
                    if c.started() {
                        view! {
                            <button type="submit" name="input[action]" value="next" class="primary" aria-keyshortcuts="Space"
                                disabled=c.finished()
                                on:click=move |e| { e.prevent_default(); send("next"); }>
                                "Next item"
                            </button>
                        }.into_any()
                    } else {
                        view! {
                            <button type="submit" name="input[action]" value="start" class="primary" aria-keyshortcuts="Space"
                                on:click=move |e| { e.prevent_default(); send("start"); }>
                                "Start"
                            </button>
                        }.into_any()
                    }
                }}
                {move || {
                    let c = clock.get();
                    let (value, label) = if c.paused() { ("resume", "Resume") } else { ("pause", "Pause") };
                    view! {
                        <button type="submit" name="input[action]" value=value aria-keyshortcuts="P"
                            disabled=!c.started() || c.finished()
                            on:click=move |e| { e.prevent_default(); send(value); }>
                            {label}
                        </button>
                    }
                }}
            </form>
            <p class="hint" id="shortcuts">
                "Keyboard: Space starts or moves to the next item, Backspace or ← goes back, P pauses or resumes (not while typing in a note)."
            </p>
        </section>
        <section aria-labelledby="agenda-heading">
            <h2 id="agenda-heading">"Agenda"</h2>
            <ol class="live-agenda">
                {items.into_iter().enumerate().map(|(index, item)| {
                    let note = notes.with_value(|n| n[index]);
                    let is_current = move || clock.with(|c| c.started() && c.current == index);
                    let minutes = minutes.clone();
                    let used = move || clock.with(|c| {
                        let spent = c.spent_on(index, now.get());
                        (spent > 0).then(|| {
                            let left = c.item_left(&minutes, index, now.get());
                            if left < 0 { format!("used {} ({} over)", mmss(spent), in_words(left)) } else { format!("used {}", mmss(spent)) }
                        })
                    });
                    let field = format!("note-{}", item.id);
                    view! {
                        <li id=format!("item-{}", item.id) class="live-item" class:current=is_current aria-current=move || is_current().then_some("step")>
                            <h3>
                                {item.title.clone()}
                                <span class="item-minutes">{format!(" · {} min", item.minutes)}</span>
                                {item.coding.then(|| view! { " " <span class="badge">"Coding"</span> })}
                                {move || is_current().then(|| view! { " " <span class="badge badge-ok">"Now"</span> })}
                            </h3>
                            <p class="hint">{move || used()}</p>
                            {(!item.guidance.is_empty()).then(|| view! { <p class="guidance">{item.guidance.clone()}</p> })}
                            <form method="post" action="/api/save_live_note" class="note-form">
                                <input type="hidden" name="interview_id" value=interview_id />
                                <input type="hidden" name="input[item_id]" value=item.id />
                                <label for=field.clone()>{format!("Notes on {}", item.title)}</label>
                                <textarea
                                    id=field.clone()
                                    name="input[body]"
                                    rows="4"
                                    aria-describedby=format!("{field}-status")
                                    prop:value=move || note.text.get()
                                    // Escaped: a textarea's children are written as raw text.
                                    inner_html=html_escape::encode_text(&item.note).into_owned()
                                    on:input=move |e| {
                                        note.text.set(event_target_value(&e));
                                        note.edited_at.set(local_now());
                                        if note.status.get_untracked() != NoteStatus::Retrying {
                                            note.status.set(NoteStatus::Unsaved);
                                        }
                                    }
                                >
                                </textarea>
                                <p class="note-status" id=format!("{field}-status") role="status">
                                    {move || note.status.get().text()}
                                </p>
                                <button type="submit" class="secondary small" on:click=move |e| { e.prevent_default(); save_note(note); }>
                                    {format!("Save notes on {}", item.title)}
                                </button>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// True when a key press goes to a field or a button rather than to the page.
fn typing_target(event: &leptos::ev::KeyboardEvent) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
            .is_some_and(|el| {
                matches!(
                    el.tag_name().as_str(),
                    "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON" | "A" | "SUMMARY"
                ) || el.is_content_editable()
            })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = event;
        false
    }
}

fn mmss(ms: i64) -> String {
    let seconds = ms / 1000;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// The clock's figures as text.
struct ClockText {
    item_figure: String,
    item_label: String,
    item_over: bool,
    total: String,
    need: String,
    need_over: bool,
}

impl ClockText {
    fn of(c: &ClockState, minutes: &[i64], titles: &[String], duration: i64, now: i64) -> Self {
        let total_left = c.interview_left(duration, now);
        let total = if total_left >= 0 {
            format!("{} left in the interview", countdown(total_left))
        } else {
            format!("The interview is {}", countdown(total_left))
        };
        if !c.started() {
            return Self {
                item_figure: countdown(minutes.first().copied().unwrap_or(0) * 60_000),
                item_label: format!(
                    "for {} once you start",
                    titles.first().cloned().unwrap_or_default()
                ),
                item_over: false,
                total,
                need: format!("The agenda plans {} minutes.", minutes.iter().sum::<i64>()),
                need_over: false,
            };
        }
        if c.finished() {
            return Self {
                item_figure: mmss(c.elapsed(now)),
                item_label: "in all: the interview is finished".into(),
                item_over: false,
                total,
                need: String::new(),
                need_over: false,
            };
        }
        let left = c.item_left(minutes, c.current, now);
        let title = titles.get(c.current).cloned().unwrap_or_default();
        let need = c.remaining_need(minutes, now);
        let slack = total_left - need;
        let need_text = if slack >= 0 {
            format!(
                "The items left need {}: {} to spare.",
                mmss(need),
                mmss(slack)
            )
        } else {
            format!(
                "The items left need {}: {} more than the time left.",
                mmss(need),
                mmss(-slack)
            )
        };
        Self {
            item_figure: countdown(left),
            item_label: if left < 0 {
                format!("on {title}")
            } else {
                format!("left in {title}")
            },
            item_over: left < 0,
            total,
            need: need_text,
            need_over: slack < 0,
        }
    }
}
