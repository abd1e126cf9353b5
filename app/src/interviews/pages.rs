//! Scheduling, the interview page, "My interviews" and the interview kit.

use super::api::{
    get_interview, get_kit, get_my_interviews, schedule_form, AssignChallenge, CancelInterview,
    RescheduleInterview, ScheduleInterview,
};
use super::{
    ChallengeSlot, InterviewDetail, InterviewLine, Kit, LoopCoverage, MyInterview, MyInterviews,
    ScheduleFormData, MAX_INTERVIEWERS,
};
use crate::audit::pages::AuditTable;
use crate::components::{
    action_error, field_error, loaded, use_route_id, FormError, SelectField, SkillChecks,
    TableWrap, TextArea, TextField,
};
use crate::error::AppError;
use crate::paging::{PageNumber, Pager};
use crate::scorecards::Feedback;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// How a loop covers the opening's required skill areas.
#[component]
pub fn CoverageView(coverage: LoopCoverage) -> impl IntoView {
    let warnings = coverage.warnings();
    view! {
        <div class="coverage">
            <h3>"Coverage of required skill areas"</h3>
            <ul class="coverage-list">
                {coverage
                    .required
                    .iter()
                    .map(|s| {
                        let missing = coverage.missing.iter().any(|m| m.id == s.id);
                        view! {
                            <li>
                                {s.name.clone()} " "
                                {if missing {
                                    view! { <span class="badge badge-warn">"not covered"</span> }.into_any()
                                } else {
                                    view! { <span class="badge badge-ok">"covered"</span> }.into_any()
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(!warnings.is_empty())
                .then(|| {
                    view! {
                        <div class="warning-box" role="status">
                            <ul>{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                        </div>
                    }
                })}
        </div>
    }
}

/// Interviews with their interviewers and what each owns.
#[component]
pub fn InterviewList(interviews: Vec<InterviewLine>) -> impl IntoView {
    if interviews.is_empty() {
        return view! { <p class="hint">"No interviews scheduled yet."</p> }.into_any();
    }
    view! {
        <ul class="interview-list">
            {interviews
                .into_iter()
                .map(|i| {
                    view! {
                        <li class:muted=i.cancelled>
                            <a href=format!("/interviews/{}", i.id)>{i.title.clone()}</a>
                            {format!(" — {} — {}", i.when, i.location)}
                            {i.cancelled.then(|| view! { " " <span class="badge badge-bad">"Cancelled"</span> })}
                            <ul>
                                {i.assignments
                                    .iter()
                                    .map(|a| {
                                        view! {
                                            <li>
                                                {format!(
                                                    "{} owns {}",
                                                    a.name,
                                                    a.skill_areas.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", "),
                                                )}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

fn tz_options(names: &[String]) -> Vec<(String, String)> {
    names.iter().map(|n| (n.clone(), n.clone())).collect()
}

#[component]
pub fn SchedulePage() -> impl IntoView {
    let id = use_route_id("id");
    let query = use_query_map();
    let number = move |key: &str| {
        query
            .read()
            .get(key)
            .and_then(|t| t.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let data = Resource::new(
        {
            let id = id.clone();
            move || (id(), number("template"), number("rows"))
        },
        |(id, template, rows)| schedule_form(id, template, usize::try_from(rows).unwrap_or(0)),
    );
    let schedule = ServerAction::<ScheduleInterview>::new();
    let error = action_error(schedule);
    view! {
        <Title text="Schedule an interview · Hireloop" />
        <section class="page">
            <p class="breadcrumb">
                <a href=move || format!("/applications/{}", id())>"Application"</a>
            </p>
            {loaded(data, move |data: ScheduleFormData| view! { <ScheduleForm data schedule error /> })}
        </section>
    }
}

#[component]
fn ScheduleForm(
    data: ScheduleFormData,
    schedule: ServerAction<ScheduleInterview>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let template_skills: Vec<i64> = data
        .template
        .as_ref()
        .map(|t| t.skill_areas.iter().map(|s| s.id).collect())
        .unwrap_or_default();
    let warnings = Signal::derive(move || match error.get() {
        Some(AppError::NeedsConfirmation(list)) => Some(list),
        _ => None,
    });
    let heading = match &data.template {
        Some(t) => format!("Schedule {} for {}", t.name, data.candidate_name),
        None => format!("Schedule an interview for {}", data.candidate_name),
    };
    view! {
        <h1>{heading}</h1>
        <p class="hint">{format!("{} · {}", data.opening_title, data.stage_name)}</p>
        <section class="panel">
            <h2>"The loop so far"</h2>
            <InterviewList interviews=data.current_loop.clone() />
            <CoverageView coverage=data.coverage.clone() />
        </section>
        <ActionForm action=schedule attr:class="form" attr:novalidate=true>
            <FormError error=error />
            {move || {
                warnings
                    .get()
                    .map(|list| {
                        view! {
                            <div class="warning-box" role="alert">
                                <p><strong>"Check the loop before saving:"</strong></p>
                                <ul>{list.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                            </div>
                        }
                    })
            }}
            <input type="hidden" name="application_id" value=data.application_id />
            <input type="hidden" name="input[template_id]" value=data.template.as_ref().map(|t| t.id.to_string()).unwrap_or_default() />
            <TextField
                label="Interview title"
                name="input[title]"
                value=data.template.as_ref().map(|t| t.name.clone())
                error=field_error(error, "title")
            />
            <div class="row">
                <TextField label="Date" name="input[date]" kind="date" value=data.date.clone() error=field_error(error, "date") />
                <TextField label="Starts at" name="input[start_time]" kind="time" value=data.start_time.clone() error=field_error(error, "start_time") />
                <TextField label="Ends at" name="input[end_time]" kind="time" value=data.end_time.clone() error=field_error(error, "end_time") />
            </div>
            <SelectField
                label="Time zone of these times"
                name="input[timezone]"
                options=tz_options(&data.timezones)
                selected=data.timezone.clone()
                hint="Everyone sees the interview in their own time zone."
                error=field_error(error, "timezone")
            />
            <TextField
                label="Place or video link"
                name="input[location]"
                error=field_error(error, "location")
            />
            {(0..data.rows)
                .map(|index| {
                    let row = index + 1;
                    let skills = if index == 0 { template_skills.clone() } else { Vec::new() };
                    let user_error = field_error(error, format!("interviewers.{index}.user_id"));
                    let skills_error = field_error(error, format!("interviewers.{index}.skills"));
                    view! {
                        <fieldset class="interviewer-row">
                            <legend>{format!("Interviewer {row}")}</legend>
                            <SelectField
                                label=format!("Interviewer {row}")
                                name=format!("input[interviewers][{index}][user_id]")
                                id=format!("interviewer-{row}")
                                placeholder="Nobody"
                                options=data.people.iter().map(|p| (p.id.to_string(), p.name.clone())).collect()
                                error=user_error
                            />
                            <SkillChecks
                                legend=format!("Skill areas interviewer {row} owns")
                                name=format!("input[interviewers][{index}][skills]")
                                options=data.skill_areas.clone()
                                checked=skills
                                error=skills_error
                                id_prefix=format!("row-{row}-skill")
                                label_suffix=format!(" (interviewer {row})")
                            />
                        </fieldset>
                    }
                })
                .collect_view()}
            {(data.rows < MAX_INTERVIEWERS)
                .then(|| {
                    let more = format!(
                        "/applications/{}/schedule?template={}&rows={}",
                        data.application_id,
                        data.template.as_ref().map_or(0, |t| t.id),
                        data.rows + 1
                    );
                    view! { <p><a href=more>"Add another interviewer row"</a></p> }
                })}
            <label class="choice">
                <input type="checkbox" name="input[confirm]" value="on" />
                "Schedule even if the loop misses a required skill area or has two owners for one"
            </label>
            <div class="actions">
                <button type="submit" disabled=move || schedule.pending().get()>"Schedule interview"</button>
            </div>
        </ActionForm>
    }
}

#[component]
pub fn InterviewPage() -> impl IntoView {
    let id = use_route_id("id");
    let reschedule = ServerAction::<RescheduleInterview>::new();
    let cancel = ServerAction::<CancelInterview>::new();
    let assign = ServerAction::<AssignChallenge>::new();
    let detail = Resource::new(
        {
            let id = id.clone();
            move || {
                (
                    id(),
                    reschedule.version().get(),
                    cancel.version().get(),
                    assign.version().get(),
                )
            }
        },
        |(id, ..)| get_interview(id),
    );
    let reschedule_error = action_error(reschedule);
    let cancel_error = action_error(cancel);
    view! {
        <Title text="Interview · Hireloop" />
        <section class="page">
            {loaded(
                detail,
                move |d: InterviewDetail| {
                    let id = d.line.id;
                    let cancelled = d.line.cancelled;
                    view! {
                        <p class="breadcrumb">
                            <a href=format!("/applications/{}", d.application_id)>{format!("{} · {}", d.candidate_name, d.opening_title)}</a>
                        </p>
                        <h1>{d.line.title.clone()}</h1>
                        <p class="status-line">
                            {d.line.when.clone()} " · " {d.line.location.clone()}
                            {cancelled.then(|| view! { " " <span class="badge badge-bad">"Cancelled"</span> })}
                            {d.line.cancel_reason.clone().map(|r| format!(" ({r})"))}
                        </p>
                        <p>
                            <a href=format!("/interviews/{id}/kit")>"Open the interview kit"</a>
                            " · "
                            <a href=format!("/interviews/{id}/agenda")>"Edit the agenda"</a>
                            " · "
                            <a href=format!("/interviews/{id}/live")>"Live interview"</a>
                        </p>
                        <InterviewList interviews=vec![d.line.clone()] />
                        {(!cancelled).then(|| view! { <ChallengeSlots id slots=d.challenges.clone() assign /> })}
                        {(!cancelled)
                            .then(|| {
                                view! {
                                    <div class="cards">
                                        <section class="card">
                                            <h2>"Reschedule"</h2>
                                            <ActionForm action=reschedule attr:class="form" attr:novalidate=true>
                                                <FormError error=reschedule_error />
                                                <input type="hidden" name="id" value=id />
                                                <TextField label="New date" name="input[date]" kind="date" value=d.date.clone() error=field_error(reschedule_error, "date") />
                                                <div class="row">
                                                    <TextField label="New start" name="input[start_time]" kind="time" value=d.start_time.clone() error=field_error(reschedule_error, "start_time") />
                                                    <TextField label="New end" name="input[end_time]" kind="time" value=d.end_time.clone() error=field_error(reschedule_error, "end_time") />
                                                </div>
                                                <SelectField label="Time zone of the new times" name="input[timezone]" options=tz_options(&d.timezones) selected=d.timezone.clone() error=field_error(reschedule_error, "timezone") />
                                                <TextField label="New place or video link" name="input[location]" value=d.line.location.clone() error=field_error(reschedule_error, "location") />
                                                <button type="submit">"Reschedule interview"</button>
                                            </ActionForm>
                                        </section>
                                        <section class="card">
                                            <h2>"Cancel"</h2>
                                            <ActionForm action=cancel attr:class="form" attr:novalidate=true>
                                                <FormError error=cancel_error />
                                                <input type="hidden" name="id" value=id />
                                                <TextArea label="Why is it cancelled?" name="input[reason]" rows=3 error=field_error(cancel_error, "reason") />
                                                <button type="submit" class="danger">"Cancel interview"</button>
                                            </ActionForm>
                                        </section>
                                    </div>
                                }
                            })}
                        <section class="panel">
                            <h2>"History"</h2>
                            <AuditTable entries=d.history.clone() />
                        </section>
                    }
                },
            )}
        </section>
    }
}

#[component]
pub fn MyInterviewsPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || PageNumber::parse(query.read().get("past").as_deref());
    let data = Resource::new(page, get_my_interviews);
    view! {
        <Title text="My interviews · Hireloop" />
        <section class="page">
            <h1>"My interviews"</h1>
            {loaded(
                data,
                |d: MyInterviews| {
                    view! {
                        <p class="hint">{format!("Times are in your time zone, {}.", d.timezone)}</p>
                        {(!d.overdue.is_empty()).then(|| view! {
                            <section class="warning-box" aria-labelledby="overdue-heading">
                                <h2 id="overdue-heading">"Feedback overdue"</h2>
                                <p>"These interviews have ended and your scorecard is not submitted. Write it while it is fresh."</p>
                                <MyInterviewTable rows=d.overdue.clone() caption="Interviews with feedback overdue" />
                                {d.overdue_more.then(|| view! { <p class="hint">"Only the latest 20 are listed."</p> })}
                            </section>
                        })}
                        <h2>"Upcoming"</h2>
                        <MyInterviewTable rows=d.upcoming caption="Upcoming interviews" />
                        {d.upcoming_more.then(|| view! {
                            <p class="hint">"Only the next 50 are listed; later ones appear as these take place."</p>
                        })}
                        <h2 id="past">"Past"</h2>
                        <MyInterviewTable rows=d.past.items caption="Past interviews" />
                        <Pager page=d.past.page more=d.past.more label="Past interviews" key="past" previous="Newer" next="Older" />
                    }
                },
            )}
        </section>
    }
}

#[component]
fn MyInterviewTable(rows: Vec<MyInterview>, caption: &'static str) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="hint">"None."</p> }.into_any();
    }
    view! {
        <TableWrap label={caption}>
            <table>
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Interview"</th>
                        <th scope="col">"You evaluate"</th>
                        <th scope="col">"Kit"</th>
                        <th scope="col">"Feedback"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr class:inactive=r.cancelled>
                                    <td>{r.when} {r.cancelled.then(|| view! { " " <span class="badge badge-bad">"Cancelled"</span> })}</td>
                                    <td>{format!("{} — {} ({})", r.title, r.candidate_name, r.opening_title)}<br /><span class="hint">{r.location}</span></td>
                                    <td>{r.my_skills.join(", ")}</td>
                                    <td><a href=format!("/interviews/{}/kit", r.interview_id)>{format!("Kit for {}", r.candidate_name)}</a></td>
                                    <td>
                                        {r.feedback.map(|f| {
                                            let class = match f {
                                                Feedback::Overdue => "badge badge-bad",
                                                Feedback::Submitted => "badge badge-ok",
                                                Feedback::NotDue => "badge",
                                            };
                                            view! {
                                                <span class=class>{f.label()}</span>
                                                " "
                                                <a href=format!("/interviews/{}/scorecard", r.interview_id)>{format!("Scorecard for {}", r.candidate_name)}</a>
                                            }
                                        })}
                                    </td>
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
pub fn KitPage() -> impl IntoView {
    let id = use_route_id("id");
    let kit = Resource::new(id, get_kit);
    view! {
        <Title text="Interview kit · Hireloop" />
        <section class="page">
            <p class="breadcrumb"><a href="/my-interviews">"My interviews"</a></p>
            {loaded(kit, |k: Kit| view! { <KitView k /> })}
        </section>
    }
}

#[component]
fn KitView(k: Kit) -> impl IntoView {
    let c = k.candidate.clone();
    view! {
        <h1>{format!("Interview kit: {} with {}", k.interview.title, c.name)}</h1>
        <p class="status-line">
            {k.interview.when.clone()} " · "
            {match crate::live::meeting_link(&k.interview.location) {
                Some(link) => view! { <a href=link.clone() rel="noopener noreferrer" target="_blank">{format!("Join the meeting ({link})")}</a> }.into_any(),
                None => view! { <span>{k.interview.location.clone()}</span> }.into_any(),
            }}
            {k.interview.cancelled.then(|| view! { " " <span class="badge badge-bad">"Cancelled"</span> })}
        </p>
        <p class="hint">{format!("{} · {}", k.opening_title, k.stage_name)}</p>
        {(!k.interview.cancelled).then(|| view! {
            <p class="kit-actions">
                <a class="button" href=format!("/interviews/{}/live", k.interview.id)>"Open live interview mode"</a>
                " "
                {(!k.my_skills.is_empty()).then(|| view! {
                    <a class="button secondary" href=format!("/interviews/{}/scorecard", k.interview.id)>"Write your scorecard"</a>
                    " "
                })}
                <a href=format!("/interviews/{}/agenda", k.interview.id)>"Review or adjust the agenda"</a>
            </p>
        })}
        <section class="notice">
            <h2>"You evaluate"</h2>
            {if k.my_skills.is_empty() {
                view! { <p>"You are not an interviewer in this interview."</p> }.into_any()
            } else {
                view! { <p class="focus-skills">{k.my_skills.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", ")}</p> }.into_any()
            }}
            <p class="hint">"Stay on your skill areas; the others are covered by your colleagues below."</p>
        </section>
        <div class="cards">
            <section class="card">
                <h2>"The rest of the loop"</h2>
                <ul>
                    {k.others
                        .iter()
                        .map(|a| view! { <li>{format!("{} covers {}", a.name, a.skill_areas.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", "))}</li> })
                        .collect_view()}
                </ul>
                {k.others.is_empty().then(|| view! { <p class="hint">"You are the only interviewer."</p> })}
            </section>
            <section class="card">
                <h2>"Schedule of the loop"</h2>
                <InterviewList interviews=k.schedule.clone() />
            </section>
        </div>
        <section class="panel">
            <h2>{format!("About {}", c.name)}</h2>
            {c.internal
                .clone()
                .map(|i| {
                    view! {
                        <p>
                            <span class="badge badge-internal">"Internal"</span>
                            {format!(" {} in {}, with us for {}.", i.current_title, i.current_team, i.tenure)}
                        </p>
                    }
                })}
            {(!c.links.is_empty())
                .then(|| {
                    view! {
                        <p>
                            {c.links.iter().map(|l| view! { <a href=l.clone() rel="noopener noreferrer nofollow">{l.clone()}</a> " " }).collect_view()}
                        </p>
                    }
                })}
            {c.resume_pdf.clone().map(|(name, _)| view! { <p><a href=format!("/candidates/{}/resume.pdf", c.id)>{format!("Open {name}")}</a></p> })}
            <h3 id="resume">"Resume"</h3>
            {if c.resume_text.is_empty() {
                view! { <p class="hint">"No resume text."</p> }.into_any()
            } else {
                view! { <div class="rendered-markdown resume-text" inner_html=c.resume_html.clone()></div> }.into_any()
            }}
        </section>
    }
}

/// Each interviewer's coding challenge, with a form to give or change it.
#[component]
fn ChallengeSlots(
    id: i64,
    slots: Vec<ChallengeSlot>,
    assign: ServerAction<AssignChallenge>,
) -> impl IntoView {
    let error = action_error(assign);
    view! {
        <section class="panel">
            <h2>"Coding challenges"</h2>
            <p class="hint">"Each interviewer can get a challenge from the library that tests a skill area they own. A candidate never gets the same challenge twice."</p>
            <FormError error=error />
            {slots
                .into_iter()
                .map(|slot| {
                    let field = format!("challenges.{}", slot.assignment_id);
                    view! {
                        <ActionForm action=assign attr:class="form inline-add" attr:novalidate=true>
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="input[assignment_id]" value=slot.assignment_id />
                            <SelectField
                                label=format!("Challenge for {} ({})", slot.interviewer, slot.skills)
                                name="input[challenge_id]"
                                id=format!("challenge-for-{}", slot.assignment_id)
                                options=slot.choices.clone()
                                placeholder="No challenge"
                                selected=slot.current_id.map(|c| c.to_string()).unwrap_or_default()
                                hint=slot.current_title.clone().map_or_else(|| "None given yet.".to_owned(), |t| format!("Now: {t}."))
                                error=field_error(error, field)
                            />
                            <button type="submit">{format!("Save challenge for {}", slot.interviewer)}</button>
                        </ActionForm>
                    }
                })
                .collect_view()}
        </section>
    }
}
