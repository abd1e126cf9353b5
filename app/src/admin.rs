//! The admin area's index.

use crate::components::{loaded, PageError, UserResource};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminPage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    view! {
        <Title text="Admin · Hireloop" />
        {loaded(
            user,
            |user| match user {
                Some(user) if user.is_admin() => view! { <AdminIndex /> }.into_any(),
                Some(_) => view! { <PageError error=AppError::Forbidden /> }.into_any(),
                None => view! { <PageError error=AppError::Unauthenticated /> }.into_any(),
            },
        )}
    }
}

#[component]
fn AdminIndex() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Admin"</h1>
            <div class="cards">
                <article class="card">
                    <h2>"Users"</h2>
                    <p>"Accounts, roles, time zones; deactivate people who leave."</p>
                    <a href="/admin/users">"Manage users"</a>
                </article>
                <article class="card">
                    <h2>"Skill areas"</h2>
                    <p>"What interviewers evaluate: back-end, communication, ..."</p>
                    <a href="/admin/skill-areas">"Manage skill areas"</a>
                </article>
                <article class="card">
                    <h2>"Feedback check"</h2>
                    <p>"Topics that are a legal no-go in interview feedback."</p>
                    <a href="/admin/feedback-check">"Edit the feedback check"</a>
                </article>
                <article class="card">
                    <h2>"Sent mail"</h2>
                    <p>"Reminders and invites: what went out, what waits, what failed; a test email; when reminders go out."</p>
                    <a href="/admin/mail">"Open sent mail"</a>
                </article>
                <article class="card">
                    <h2>"Audit log"</h2>
                    <p>"Who changed what, and when."</p>
                    <a href="/admin/audit">"Read the audit log"</a>
                </article>
            </div>
        </section>
    }
}
