//! The debrief pages: the feedback part of the application page (with the scheduling
//! form), the debrief itself, and its printable view.

use super::api::{get_application_feedback, get_debrief, DecideDebrief, ScheduleDebrief};
use super::{DebriefData, Decision, FeedbackOverview};
use crate::components::{
    action_error, field_error, loaded, use_route_id, FormError, SelectField, TableWrap, TextArea,
    TextField,
};
use crate::scorecards::pages::{RatingBadge, VersionBlock, Warnings};
use crate::scorecards::Feedback;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The application page's "Feedback and debriefs" panel.
#[component]
pub fn FeedbackSection(application_id: i64) -> impl IntoView {
    let data = Resource::new(move || application_id, get_application_feedback);
    view! {
        <section class="panel" aria-labelledby="feedback-heading">
            <h2 id="feedback-heading">"Feedback and debriefs"</h2>
            {loaded(data, |o: FeedbackOverview| view! { <FeedbackView o /> })}
        </section>
    }
}

#[component]
fn FeedbackView(o: FeedbackOverview) -> impl IntoView {
    let schedule = ServerAction::<ScheduleDebrief>::new();
    let error = action_error(schedule);
    view! {
        {if o.feedback.is_empty() {
            view! { <p class="hint">"No interviews yet."</p> }.into_any()
        } else {
            view! {
                <TableWrap label="Feedback">
                    <table>
                        <caption class="visually-hidden">"Each interviewer's feedback"</caption>
                        <thead><tr><th scope="col">"Interview"</th><th scope="col">"Stage"</th><th scope="col">"Interviewer"</th><th scope="col">"Feedback"</th></tr></thead>
                        <tbody>
                            {o.feedback.iter().map(|f| {
                                let class = match f.feedback {
                                    Feedback::Overdue => "badge badge-bad",
                                    Feedback::Submitted => "badge badge-ok",
                                    Feedback::NotDue => "badge",
                                };
                                view! {
                                    <tr>
                                        <td>{f.interview_title.clone()}</td>
                                        <td>{f.stage_name.clone()}</td>
                                        <td>{f.interviewer.clone()}</td>
                                        <td>
                                            <span class=class>{f.feedback.label()}</span>
                                            {f.scorecard_id.map(|id| view! { " " <a href=format!("/scorecards/{id}")>{format!("Read {}'s scorecard", f.interviewer)}</a> })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </TableWrap>
            }.into_any()
        }}
        {(!o.debriefs.is_empty()).then(|| view! {
            <h3>"Debriefs"</h3>
            <ul>
                {o.debriefs.iter().map(|d| view! {
                    <li>
                        <a href=format!("/debriefs/{}", d.id)>{format!("Debrief of {}", d.stage_name)}</a>
                        {format!(" · {} · {}", d.when, d.status.label())}
                        {d.decision.clone().map(|x| format!(" · Decision: {x}"))}
                    </li>
                }).collect_view()}
            </ul>
        })}
        {(!o.stages.is_empty()).then(|| view! {
            <details class="schedule-debrief">
                <summary>"Schedule a debrief"</summary>
                <ActionForm action=schedule attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="application_id" value=o.application_id />
                    <FormError error=error />
                    <SelectField label="Debrief stage" name="input[stage_id]" options=o.stages.iter().map(|s| (s.id.to_string(), s.name.clone())).collect() error=field_error(error, "stage_id") hint="The stage whose interviews the debrief is about. Scheduling again moves that stage's debrief." />
                    <div class="row">
                        <TextField label="Debrief date" name="input[date]" kind="date" error=field_error(error, "date") />
                        <TextField label="Debrief start" name="input[start_time]" kind="time" error=field_error(error, "start_time") />
                        <TextField label="Debrief end" name="input[end_time]" kind="time" error=field_error(error, "end_time") />
                    </div>
                    <TextField label="Debrief time zone" name="input[timezone]" value=o.timezone.clone() error=field_error(error, "timezone") />
                    <TextField label="Debrief room or video link" name="input[location]" error=field_error(error, "location") />
                    <fieldset class="field" class:has-error=move || field_error(error, "participants").get().is_some()>
                        <legend>"Participants"</legend>
                        {o.people.iter().map(|p| view! {
                            <label class="choice">
                                <input type="checkbox" name="input[participants][]" value=p.user_id checked=true />
                                {p.name.clone()}
                            </label>
                        }).collect_view()}
                        <p class="field-error">{move || field_error(error, "participants").get()}</p>
                    </fieldset>
                    <button type="submit">"Schedule debrief"</button>
                </ActionForm>
            </details>
        })}
    }
}

/// The matrix of ratings: interviewers × skill areas, then the overall recommendation.
/// `expanded` shows the evidence in full (print) instead of behind a disclosure.
#[component]
fn Matrix(d: DebriefData, expanded: bool) -> impl IntoView {
    if d.columns.is_empty() {
        return view! { <p class="hint">"No scorecard for this stage is submitted yet."</p> }
            .into_any();
    }
    let evidence = move |text: String, who: String| {
        if expanded {
            view! { <p class="prose evidence">{text}</p> }.into_any()
        } else {
            view! {
                <details class="evidence">
                    <summary>{format!("Evidence ({who})")}</summary>
                    <p class="prose">{text}</p>
                </details>
            }
            .into_any()
        }
    };
    view! {
        <TableWrap label="Ratings by skill area">
            <table class="matrix">
                <caption>"Ratings by skill area (rows) and interviewer (columns)"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Skill area"</th>
                        {d.columns.iter().map(|c| view! {
                            <th scope="col">
                                {c.interviewer.clone()}
                                <span class="hint">{format!(" ({})", c.interview_title)}</span>
                                {c.amended_after_debrief.then(|| view! { " " <span class="badge badge-warn">"Amended after the debrief started"</span> })}
                                {(!c.warnings.is_empty()).then(|| view! { " " <span class="badge badge-warn">{format!("{} warning{}", c.warnings.len(), if c.warnings.len() == 1 { "" } else { "s" })}</span> })}
                            </th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {d.rows.iter().map(|r| {
                        let names: Vec<String> = d.columns.iter().map(|c| c.interviewer.clone()).collect();
                        view! {
                            <tr class:disagreement=r.disagreement.is_some()>
                                <th scope="row">
                                    {r.skill_area.clone()}
                                    {r.required.then(|| view! { " " <span class="hint">"(required)"</span> })}
                                    {r.disagreement.clone().map(|t| view! { <p class="disagreement-note"><strong>{t}</strong></p> })}
                                </th>
                                {r.cells.iter().cloned().zip(names).map(|(cell, who)| match cell {
                                    Some(cell) => view! {
                                        <td><RatingBadge rating=cell.rating />{evidence(cell.evidence, who)}</td>
                                    }.into_any(),
                                    None => view! { <td><span class="hint">"Not rated"</span></td> }.into_any(),
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                    <tr class="overall" class:disagreement=d.overall_disagreement.is_some()>
                        <th scope="row">
                            "Overall recommendation"
                            {d.overall_disagreement.clone().map(|t| view! { <p class="disagreement-note"><strong>{t}</strong></p> })}
                        </th>
                        {d.columns.iter().map(|c| view! { <td><RatingBadge rating=c.overall /></td> }).collect_view()}
                    </tr>
                </tbody>
            </table>
        </TableWrap>
    }
    .into_any()
}

/// Who is in, who is not, what is not covered, and the internal context.
#[component]
fn Situation(d: DebriefData) -> impl IntoView {
    view! {
        <div class="cards">
            <section class="card">
                <h2>"Participants"</h2>
                <ul>
                    {d.participants.iter().map(|p| view! {
                        <li>
                            {p.name.clone()} " "
                            {if !p.interviewer {
                                view! { <span class="hint">"(not an interviewer in this stage)"</span> }.into_any()
                            } else if p.submitted {
                                view! { <span class="badge badge-ok">"Feedback in"</span> }.into_any()
                            } else {
                                view! { <span class="badge badge-bad">"Feedback not submitted"</span> }.into_any()
                            }}
                        </li>
                    }).collect_view()}
                </ul>
                {(!d.waiting_for.is_empty()).then(|| view! {
                    <h3>"Not submitted yet"</h3>
                    <ul>{d.waiting_for.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
                })}
            </section>
            <section class="card">
                <h2>"Coverage"</h2>
                {if d.coverage_gaps.is_empty() {
                    view! { <p>"Every required skill area has submitted evidence."</p> }.into_any()
                } else {
                    view! {
                        <div class="warning-box" role="note">
                            <p><strong>"Required skill areas with no submitted evidence: "</strong>{d.coverage_gaps.join(", ")}</p>
                        </div>
                    }.into_any()
                }}
            </section>
            {d.internal.clone().map(|i| view! {
                <section class="card">
                    <h2>"Internal context"</h2>
                    <dl class="facts">
                        <dt>"Current role"</dt>
                        <dd>{i.current_title.clone()}</dd>
                        <dt>"Team"</dt>
                        <dd>{i.current_team.clone()}</dd>
                        <dt>"Tenure"</dt>
                        <dd>{format!("{} (since {})", i.tenure, i.start_date)}</dd>
                        <dt>"Track"</dt>
                        <dd>{d.track.clone().unwrap_or_default()}</dd>
                    </dl>
                </section>
            })}
        </div>
    }
}

fn heading(d: &DebriefData) -> String {
    format!("Debrief: {} · {}", d.candidate_name, d.stage_name)
}

#[component]
pub fn DebriefPage() -> impl IntoView {
    let id = use_route_id("id");
    let data = Resource::new(id, get_debrief);
    let decided = use_query_map().read_untracked().get("decided").is_some();
    view! {
        <Title text="Debrief · Hireloop" />
        <section class="page">
            {loaded(data, move |d: DebriefData| view! { <DebriefView d decided /> })}
        </section>
    }
}

#[component]
fn DebriefView(d: DebriefData, decided: bool) -> impl IntoView {
    let id = d.id;
    view! {
        {d.manages.then(|| view! { <p class="breadcrumb"><a href=format!("/applications/{}", d.application_id)>"Application"</a></p> })}
        <h1>{heading(&d)}</h1>
        <p class="status-line">
            {format!("{} · {} · {} · ", d.opening_title, d.when, d.location)}
            <span class="badge">{d.status.label()}</span>
            {format!(" · Application: {} in {}", d.application_status.label(), d.current_stage)}
        </p>
        <p><a href=format!("/debriefs/{id}/print")>"Printable view"</a></p>
        {decided.then(|| view! { <div class="form-saved" role="status">"Decision recorded."</div> })}
        <Situation d=d.clone() />
        <section class="panel" aria-labelledby="matrix-heading">
            <h2 id="matrix-heading">"Ratings"</h2>
            <p class="hint">"Rows where ratings are two or more steps apart are marked “Disagreement”: start the conversation there."</p>
            <Matrix d=d.clone() expanded=false />
        </section>
        <section class="panel" aria-labelledby="cards-heading">
            <h2 id="cards-heading">"Scorecards in full"</h2>
            {d.columns.iter().map(|c| view! {
                <article class="scorecard-full">
                    <h3>{format!("{} — {}", c.interviewer, c.interview_title)}</h3>
                    <Warnings warnings=c.warnings.clone() heading="The feedback check warned" />
                    {c.versions.iter().cloned().enumerate().map(|(i, v)| view! { <VersionBlock version=v open=i == 0 /> }).collect_view()}
                </article>
            }).collect_view()}
        </section>
        <Decisions d=d.clone() />
    }
}

#[component]
fn Decisions(d: DebriefData) -> impl IntoView {
    let decide = ServerAction::<DecideDebrief>::new();
    let error = action_error(decide);
    let seen = d.decisions.first().map_or(0, |x| x.number);
    view! {
        <section class="panel" aria-labelledby="decision-heading">
            <h2 id="decision-heading">"Decision"</h2>
            {if d.decisions.is_empty() {
                view! { <p class="hint">"No decision yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="decisions" reversed=true>
                        {d.decisions.iter().enumerate().map(|(i, x)| view! {
                            <li>
                                <strong>{x.decision.label()}</strong>
                                {x.to_stage.clone().map(|s| format!(" ({s})"))}
                                {if i == 0 { " — standing decision" } else { " — revised since" }}
                                <span class="hint">{format!(" · {} · {}", x.decided_by, x.decided_at)}</span>
                                <p class="prose">{format!("Rationale: {}", x.rationale)}</p>
                                {x.override_reason.clone().map(|r| view! { <p class="prose">{format!("Decided without full coverage because: {r}")}</p> })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {d.manages.then(|| view! {
                <ActionForm action=decide attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="id" value=d.id />
                    <input type="hidden" name="input[seen]" value=seen />
                    <FormError error=error />
                    <SelectField
                        label="Decision"
                        name="input[decision]"
                        options=Decision::ALL.iter().map(|x| (x.as_str().to_owned(), x.label().to_owned())).collect()
                        placeholder="Choose a decision…"
                        error=field_error(error, "decision")
                    />
                    {(!d.advance_to.is_empty()).then(|| view! {
                        <SelectField
                            label="Advance to"
                            name="input[to_stage_id]"
                            options=d.advance_to.iter().map(|s| (s.id.to_string(), s.name.clone())).collect()
                            placeholder="Choose a stage…"
                            hint="Only for “Advance to a next stage”."
                            error=field_error(error, "to_stage_id")
                        />
                    })}
                    {d.advance_to.is_empty().then(|| view! { <p class="field-error">{move || field_error(error, "to_stage_id").get()}</p> })}
                    <TextArea label="Rationale" name="input[rationale]" rows=4 hint="What the team weighed, and why this decision." error=field_error(error, "rationale") />
                    {if d.coverage_gaps.is_empty() {
                        view! { <p class="field-error">{move || field_error(error, "override_reason").get()}</p> }.into_any()
                    } else {
                        view! {
                            <TextArea
                                label="Reason to decide without full coverage"
                                name="input[override_reason]"
                                rows=2
                                hint=format!("No submitted evidence yet on: {}. Deciding anyway needs a reason, which is recorded.", d.coverage_gaps.join(", "))
                                error=field_error(error, "override_reason")
                            />
                        }.into_any()
                    }}
                    <button type="submit">{if d.decisions.is_empty() { "Record decision" } else { "Revise decision" }}</button>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
pub fn DebriefPrintPage() -> impl IntoView {
    let id = use_route_id("id");
    let data = Resource::new(id, get_debrief);
    view! {
        <Title text="Debrief (print) · Hireloop" />
        <section class="page print-view">
            {loaded(data, |d: DebriefData| view! {
                <p class="breadcrumb no-print"><a href=format!("/debriefs/{}", d.id)>"Back to the debrief"</a></p>
                <h1>{heading(&d)}</h1>
                <p class="status-line">{format!("{} · {} · {}", d.opening_title, d.when, d.location)}</p>
                <Situation d=d.clone() />
                <h2>"Ratings"</h2>
                <Matrix d=d.clone() expanded=true />
                {d.columns.iter().map(|c| view! {
                    <article class="scorecard-full">
                        <h2>{format!("{} — {}", c.interviewer, c.interview_title)}</h2>
                        <Warnings warnings=c.warnings.clone() heading="The feedback check warned" />
                        {c.versions.first().cloned().map(|v| view! { <VersionBlock version=v open=true /> })}
                    </article>
                }).collect_view()}
                <h2>"Decision"</h2>
                {match d.decisions.first() {
                    Some(x) => view! { <p><strong>{x.decision.label()}</strong>{format!(" — {} ({}, {})", x.rationale, x.decided_by, x.decided_at)}</p> }.into_any(),
                    None => view! { <p>"No decision yet."</p> }.into_any(),
                }}
            })}
        </section>
    }
}
