//! The scorecard pages: the interviewer's own form (autosaved in the browser, see
//! `autosave`), a submitted scorecard for its readers, an opening's questions and the
//! feedback check's topics.

use super::api::{
    get_feedback_topics, get_scorecard, get_scorecard_form, get_scorecard_questions,
    SaveFeedbackTopics, SaveScorecard, SaveScorecardQuestions,
};
use super::{
    QuestionsPage as QuestionsData, Rating, ScorecardContent, ScorecardPage, ScorecardRead,
    ScorecardStatus, VersionView,
};
use crate::components::{
    action_error, field_error, loaded, use_route_id, FormError, SelectField, TextArea,
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn rating_options() -> Vec<(String, String)> {
    Rating::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
        .collect()
}

/// A rating in words, with its colour class (never colour alone).
#[component]
pub fn RatingBadge(rating: Rating) -> impl IntoView {
    view! { <span class=rating.class()>{rating.label()}</span> }
}

fn status_badge(status: ScorecardStatus) -> impl IntoView {
    let class = if status.is_in() {
        "badge badge-ok"
    } else {
        "badge"
    };
    view! { <span class=class>{status.label()}</span> }
}

/// What a scorecard version says, for its readers. `private` shows the note to the hiring
/// manager (the server has already removed it for anyone else).
#[component]
pub fn ContentView(content: ScorecardContent) -> impl IntoView {
    let para = |label: &'static str, text: String| {
        (!text.trim().is_empty()).then(|| {
            view! {
                <h4>{label}</h4>
                <p class="prose">{text}</p>
            }
        })
    };
    view! {
        <dl class="ratings">
            {content.skills.iter().map(|s| view! {
                <dt>{s.skill_area.clone()}</dt>
                <dd>
                    {s.rating.map(|r| view! { <RatingBadge rating=r /> })}
                    {s.rating.is_none().then(|| view! { <span class="hint">"Not rated"</span> })}
                    <p class="prose">{s.evidence.clone()}</p>
                </dd>
            }).collect_view()}
            <dt>"Overall recommendation"</dt>
            <dd>
                {content.overall.map(|r| view! { <RatingBadge rating=r /> })}
                {content.overall.is_none().then(|| view! { <span class="hint">"None yet"</span> })}
            </dd>
        </dl>
        {content.answers.iter().filter(|a| !a.is_empty()).map(|a| {
            let parts = if a.behavioural {
                a.parts().into_iter().skip(1).filter(|(_, t)| !t.trim().is_empty())
                    .map(|(part, text)| view! { <p class="prose"><strong>{crate::values::capitalise(part)} ": "</strong>{text.to_owned()}</p> })
                    .collect_view().into_any()
            } else {
                view! { <p class="prose">{a.answer.clone()}</p> }.into_any()
            };
            view! { <h4>{a.prompt.clone()}</h4> {parts} }
        }).collect_view()}
        {para("What did not add up in the resume, and how it was explained", content.resume_gaps)}
        {para("Questions the candidate asked", content.candidate_questions)}
        {para("Notes from the interview", content.notes)}
        {(!content.private_note.trim().is_empty()).then(|| view! {
            <div class="notice">
                <h4>"Private note to the hiring manager"</h4>
                <p class="prose">{content.private_note.clone()}</p>
            </div>
        })}
    }
}

/// One submitted version with its flags and warnings.
#[component]
pub fn VersionBlock(version: VersionView, #[prop(optional)] open: bool) -> impl IntoView {
    let heading = format!(
        "Version {} · submitted {}",
        version.version, version.submitted_at
    );
    view! {
        <details class="version" open=open>
            <summary>
                {heading}
                {version.after_debrief.then(|| view! { " " <span class="badge badge-warn">"Amended after the debrief started"</span> })}
            </summary>
            <Warnings warnings=version.warnings.clone() heading="The feedback check warned" />
            <ContentView content=version.content />
        </details>
    }
}

/// The feedback check's findings.
#[component]
pub fn Warnings(warnings: Vec<String>, heading: &'static str) -> impl IntoView {
    (!warnings.is_empty()).then(|| {
        view! {
            <div class="warnings" role="note">
                <h4>{heading}</h4>
                <ul>{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
            </div>
        }
    })
}

#[component]
pub fn ScorecardFormPage() -> impl IntoView {
    let id = use_route_id("id");
    let query = use_query_map();
    let data = Resource::new(id, get_scorecard_form);
    let flag = move |name: &str| query.read_untracked().get(name).is_some();
    let (submitted, saved, amend) = (flag("submitted"), flag("saved"), flag("amend"));
    view! {
        <Title text="Scorecard · Hireloop" />
        <section class="page">
            <p class="breadcrumb"><a href="/my-interviews">"My interviews"</a></p>
            {loaded(data, move |page: ScorecardPage| view! {
                <ScorecardView page submitted saved amend />
            })}
        </section>
    }
}

#[component]
fn ScorecardView(page: ScorecardPage, submitted: bool, saved: bool, amend: bool) -> impl IntoView {
    let locked = page.status.is_in() && !amend && !page.unsubmitted_changes;
    let id = page.interview_id;
    view! {
        <h1>{format!("Scorecard: {}", page.candidate_name)}</h1>
        <p class="status-line">
            {format!("{} · {} · {}", page.interview_title, page.opening_title, page.when)} " "
            {status_badge(page.status)}
            {page.overdue.then(|| view! { " " <span class="badge badge-bad">"Feedback overdue"</span> })}
        </p>
        <p class="kit-actions">
            <a href=format!("/interviews/{id}/kit")>"Interview kit"</a> " · "
            <a href=format!("/interviews/{id}/live")>"Live interview mode"</a>
        </p>
        {submitted.then(|| view! { <div class="form-saved" role="status">"Scorecard submitted. Thank you."</div> })}
        {saved.then(|| view! { <div class="form-saved" role="status">"Draft saved."</div> })}
        {page.overdue.then(|| view! {
            <p class="notice">"The interview has ended: write your feedback while it is fresh, and submit it."</p>
        })}
        {if locked {
            let latest = page.versions.first().cloned();
            view! {
                <section class="panel">
                    <h2>"Your submitted scorecard"</h2>
                    {latest.map(|v| view! { <VersionBlock version=v open=true /> })}
                    <p><a class="button secondary" href=format!("/interviews/{id}/scorecard?amend=1")>"Amend your scorecard"</a></p>
                    <p class="hint">"Amending keeps this version; the debrief sees every version."</p>
                </section>
            }.into_any()
        } else {
            view! { <ScorecardForm page=page.clone() /> }.into_any()
        }}
        {(!page.live_notes.is_empty()).then(|| view! {
            <section class="panel">
                <h2>"Your notes from live mode"</h2>
                {page.live_notes.iter().map(|(title, note)| view! {
                    <h3>{title.clone()}</h3>
                    <p class="prose">{note.clone()}</p>
                }).collect_view()}
            </section>
        })}
        {(!locked && !page.versions.is_empty()).then(|| view! {
            <section class="panel">
                <h2>"Your submitted versions"</h2>
                {page.versions.iter().cloned().map(|v| view! { <VersionBlock version=v /> }).collect_view()}
            </section>
        })}
        <section class="panel">
            <h2>"The other interviewers' scorecards"</h2>
            {if page.others.is_empty() {
                view! { <p class="hint">"You can read the other interviewers' scorecards for this candidate once all of yours are submitted (so that nobody is anchored by anyone else's view)."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {page.others.iter().map(|o| view! {
                            <li><a href=format!("/scorecards/{}", o.id)>{format!("{} — {}", o.interviewer, o.interview_title)}</a></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ScorecardForm(page: ScorecardPage) -> impl IntoView {
    let save = ServerAction::<SaveScorecard>::new();
    let error = action_error(save);
    let draft = page.draft.clone();
    let submit_label = if page.status.is_in() {
        "Submit amended scorecard"
    } else {
        "Submit scorecard"
    };
    let text = |name: &str| format!("input[{name}]");
    view! {
        <ActionForm action=save attr:class="form scorecard-form" attr:novalidate=true>
            <input type="hidden" name="interview_id" value=page.interview_id />
            <input type="hidden" name="input[revision]" value=page.revision />
            <FormError error=error />
            <section aria-labelledby="ratings-heading">
                <h2 id="ratings-heading">"Your skill areas"</h2>
                {draft.skills.is_empty().then(|| view! { <p class="hint">"You own no skill area in this interview; give your overall recommendation below."</p> })}
                {move || field_error(error, "skills").get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                {draft.skills.iter().enumerate().map(|(i, s)| {
                    let name = |f: &str| format!("input[skills][{i}][{f}]");
                    view! {
                        <fieldset class="skill-rating">
                            <legend>{s.skill_area.clone()}</legend>
                            <input type="hidden" name=name("skill_area_id") value=s.skill_area_id />
                            <SelectField
                                label=format!("Rating for {}", s.skill_area)
                                name=name("rating")
                                options=rating_options()
                                placeholder="Choose a rating…"
                                selected=s.rating.map(|r| r.as_str().to_owned()).unwrap_or_default()
                                error=field_error(error, format!("skills.{i}.rating"))
                            />
                            <TextArea
                                label=format!("Evidence for {}", s.skill_area)
                                name=name("evidence")
                                rows=4
                                value=s.evidence.clone()
                                hint="What the candidate said or did that supports the rating (required for any rating)."
                                error=field_error(error, format!("skills.{i}.evidence"))
                            />
                        </fieldset>
                    }
                }).collect_view()}
            </section>
            {(!draft.answers.is_empty()).then(|| view! {
                <section aria-labelledby="questions-heading">
                    <h2 id="questions-heading">"Questions"</h2>
                    {move || field_error(error, "answers").get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    {draft.answers.iter().enumerate().map(|(i, a)| {
                        let name = move |f: &str| format!("input[answers][{i}][{f}]");
                        let err = move |f: &str| field_error(error, format!("answers.{i}.{f}"));
                        let hidden = view! { <input type="hidden" name=name("question_id") value=a.question_id /> };
                        if a.behavioural {
                            let part = |f: &'static str, label: &str, value: &str| view! {
                                <TextArea label=format!("{label} ({})", a.prompt) name=name(f) rows=2 value=value.to_owned() error=err(f) />
                            };
                            view! {
                                <fieldset class="star">
                                    <legend>{a.prompt.clone()}</legend>
                                    <p class="hint">"Behavioural evidence: the situation, the candidate's task, what they did, and the result."</p>
                                    {hidden}
                                    {part("situation", "Situation", &a.situation)}
                                    {part("task", "Task", &a.task)}
                                    {part("action", "Action", &a.action)}
                                    {part("result", "Result", &a.result)}
                                </fieldset>
                            }.into_any()
                        } else {
                            view! {
                                <div>
                                    {hidden}
                                    <TextArea label=a.prompt.clone() name=name("answer") rows=3 value=a.answer.clone() error=err("answer") />
                                </div>
                            }.into_any()
                        }
                    }).collect_view()}
                </section>
            })}
            <section aria-labelledby="overall-heading">
                <h2 id="overall-heading">"Your recommendation"</h2>
                <SelectField
                    label="Overall recommendation"
                    name=text("overall")
                    options=rating_options()
                    placeholder="Choose a recommendation…"
                    selected=draft.overall.map(|r| r.as_str().to_owned()).unwrap_or_default()
                    hint="There is no neutral middle: would you hire this person for this role?"
                    error=field_error(error, "overall")
                />
                <TextArea label="What did not add up in the resume, and how it was explained" name=text("resume_gaps") rows=3 value=draft.resume_gaps.clone() error=field_error(error, "resume_gaps") />
                <TextArea label="Questions the candidate asked" name=text("candidate_questions") rows=3 value=draft.candidate_questions.clone() error=field_error(error, "candidate_questions") />
                <TextArea label="Notes from the interview" name=text("notes") rows=6 value=draft.notes.clone() hint="Your live-mode notes start here." error=field_error(error, "notes") />
                <TextArea label="Private note to the hiring manager" name=text("private_note") rows=3 value=draft.private_note.clone() hint="Only the hiring manager and admins read this." error=field_error(error, "private_note") />
            </section>
            <section aria-labelledby="check-heading" class="feedback-check">
                <h2 id="check-heading">"Before you submit"</h2>
                {if page.warnings.is_empty() {
                    view! { <p class="hint">"The feedback check found nothing in your saved draft: no personal topics, no contradicting ratings."</p> }.into_any()
                } else {
                    view! { <Warnings warnings=page.warnings.clone() heading="The feedback check found (in your saved draft)" /> }.into_any()
                }}
                <div class="field" class:has-error=move || field_error(error, "acknowledge").get().is_some()>
                    <label class="choice">
                        <input type="checkbox" name="input[acknowledge]" value="on" aria-describedby="acknowledge-error" />
                        "Submit with these warnings"
                    </label>
                    <p class="field-error" id="acknowledge-error">{move || field_error(error, "acknowledge").get()}</p>
                </div>
            </section>
            <p class="autosave-status" id="autosave-status" role="status" aria-live="polite">
                "Your draft is saved as you type, and by “Save draft”."
            </p>
            <div class="actions">
                <button type="submit" class="secondary" name="input[intent]" value="draft">"Save draft"</button>
                " "
                <button type="submit" name="input[intent]" value="submit">{submit_label}</button>
            </div>
        </ActionForm>
    }
}

#[component]
pub fn ScorecardReadPage() -> impl IntoView {
    let id = use_route_id("id");
    let data = Resource::new(id, get_scorecard);
    view! {
        <Title text="Scorecard · Hireloop" />
        <section class="page">
            {loaded(data, |card: ScorecardRead| {
                let back = if card.manages {
                    view! { <p class="breadcrumb"><a href=format!("/applications/{}", card.application_id)>"Application"</a></p> }.into_any()
                } else {
                    view! { <p class="breadcrumb"><a href="/my-interviews">"My interviews"</a></p> }.into_any()
                };
                view! {
                    {back}
                    <h1>{format!("{}'s scorecard: {}", card.interviewer, card.candidate_name)}</h1>
                    <p class="status-line">{format!("{} · {} ", card.interview_title, card.when)} {status_badge(card.status)}</p>
                    {card.versions.iter().cloned().enumerate().map(|(i, v)| view! { <VersionBlock version=v open=i == 0 /> }).collect_view()}
                }
            })}
        </section>
    }
}

#[component]
pub fn ScorecardQuestionsPage() -> impl IntoView {
    let id = use_route_id("id");
    let save = ServerAction::<SaveScorecardQuestions>::new();
    let data = Resource::new(id, get_scorecard_questions);
    let error = action_error(save);
    let saved = use_query_map().read_untracked().get("saved").is_some();
    view! {
        <Title text="Scorecard questions · Hireloop" />
        <section class="page">
            {loaded(data, move |q: QuestionsData| {
                let blank = 3;
                let rows: Vec<_> = q.questions.iter().cloned().map(Some).chain(std::iter::repeat_n(None, blank)).collect();
                view! {
                    <p class="breadcrumb"><a href=format!("/openings/{}", q.opening_id)>{q.opening_title.clone()}</a></p>
                    <h1>{format!("Scorecard questions: {}", q.opening_title)}</h1>
                    <p class="hint">"Every interviewer answers these on their scorecard, besides rating their skill areas. Behavioural questions are answered as situation, task, action and result. Clear a question to remove it."</p>
                    {saved.then(|| view! { <div class="form-saved" role="status">"Questions saved."</div> })}
                    <ActionForm action=save attr:class="form" attr:novalidate=true>
                        <input type="hidden" name="opening_id" value=q.opening_id />
                        <FormError error=error />
                        {move || field_error(error, "questions").get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                        {rows.into_iter().enumerate().map(|(i, question)| {
                            let n = i + 1;
                            let question = question.unwrap_or_default();
                            let name = |f: &str| format!("input[questions][{i}][{f}]");
                            let question_id = if question.id > 0 { question.id.to_string() } else { String::new() };
                            view! {
                                <fieldset>
                                    <legend>{format!("Question {n}")}</legend>
                                    <input type="hidden" name=name("id") value=question_id />
                                    <crate::components::TextField label=format!("Question {n}") name=name("prompt") value=question.prompt.clone() error=field_error(error, format!("questions.{i}.prompt")) />
                                    <label class="choice">
                                        <input type="checkbox" name=name("behavioural") value="on" checked=question.behavioural />
                                        {format!("Question {n} is behavioural (situation, task, action, result)")}
                                    </label>
                                </fieldset>
                            }
                        }).collect_view()}
                        <button type="submit">"Save questions"</button>
                    </ActionForm>
                }
            })}
        </section>
    }
}

#[component]
pub fn FeedbackCheckPage() -> impl IntoView {
    let save = ServerAction::<SaveFeedbackTopics>::new();
    let data = Resource::new(|| (), |()| get_feedback_topics());
    let error: Signal<Option<AppError>> = action_error(save);
    let saved = use_query_map().read_untracked().get("saved").is_some();
    view! {
        <Title text="Feedback check · Hireloop" />
        <section class="page">
            <p class="breadcrumb"><a href="/admin">"Admin"</a></p>
            <h1>"Feedback check"</h1>
            <p class="hint">"Before a scorecard is submitted, its text is checked for topics that are a legal no-go in interviews. Interviewers see the warnings and may edit or submit anyway; the debrief shows them."</p>
            {saved.then(|| view! { <div class="form-saved" role="status">"Topics saved."</div> })}
            {loaded(data, move |topics: String| view! {
                <ActionForm action=save attr:class="form" attr:novalidate=true>
                    <FormError error=error />
                    <TextArea
                        label="Topics"
                        name="input[topics]"
                        rows=14
                        value=topics
                        hint="One topic per line: its name, a colon, then terms separated by commas. A term ending in * matches any word it begins (pregnan* finds pregnant and pregnancy)."
                        error=field_error(error, "topics")
                    />
                    <button type="submit">"Save topics"</button>
                </ActionForm>
            })}
        </section>
    }
}
