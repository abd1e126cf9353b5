//! The HTML shell, the navigation and the route table.

use crate::admin::AdminPage;
use crate::agendas::pages::{AgendaEditorPage, AgendaTemplatePage, AgendaTemplatesPage};
use crate::applications::pages::ApplicationPage;
use crate::audit::pages::{AuditPage, OpeningAuditPage};
use crate::auth::api::{get_current_user, Logout};
use crate::auth::pages::{LoginPage, SetPasswordPage, SetupPage};
use crate::auth::CurrentUser;
use crate::candidates::pages::{
    CandidatePage, CandidatesPage, EditCandidatePage, NewCandidatePage,
};
use crate::challenges::pages::{
    ChallengePage, ChallengesPage, EditChallengePage, NewChallengePage,
};
use crate::components::{NotFound, UserResource};
use crate::dashboard::DashboardPage;
use crate::debriefs::pages::{DebriefPage, DebriefPrintPage};
use crate::interviews::pages::{InterviewPage, KitPage, MyInterviewsPage, SchedulePage};
use crate::live::pages::LivePage;
use crate::mail::pages::{MailMessagePage, SentMailPage};
use crate::openings::pages::{EditOpeningPage, NewOpeningPage, OpeningPage, OpeningsPage};
use crate::openings::plan::PlanPage;
use crate::scorecards::pages::{
    FeedbackCheckPage, ScorecardFormPage, ScorecardQuestionsPage, ScorecardReadPage,
};
use crate::skills::pages::SkillAreasPage;
use crate::users::pages::{AccountPage, EditUserPage, NewUserPage, UsersPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, SsrMode};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only from this site and the inline hydration
/// script carrying this response's nonce; WebAssembly may compile; nothing may frame the page.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let user: UserResource = Resource::new(|| (), |()| get_current_user());
    provide_context(user);
    view! {
        <Stylesheet id="leptos" href="/pkg/hireloop.css" />
        <Title text="Hireloop" />
        <Router>
            <a class="skip-link" href="#main">
                "Skip to content"
            </a>
            <Header user />
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/setup") view=SetupPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/set-password/:token")
                        view=SetPasswordPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/openings") view=OpeningsPage ssr=SsrMode::Async />
                    <Route path=path!("/openings/new") view=NewOpeningPage ssr=SsrMode::Async />
                    <Route path=path!("/openings/:id") view=OpeningPage ssr=SsrMode::Async />
                    <Route path=path!("/openings/:id/edit") view=EditOpeningPage ssr=SsrMode::Async />
                    <Route path=path!("/openings/:id/plan") view=PlanPage ssr=SsrMode::Async />
                    <Route path=path!("/openings/:id/audit") view=OpeningAuditPage ssr=SsrMode::Async />
                    <Route path=path!("/candidates") view=CandidatesPage ssr=SsrMode::Async />
                    <Route path=path!("/candidates/new") view=NewCandidatePage ssr=SsrMode::Async />
                    <Route path=path!("/candidates/:id") view=CandidatePage ssr=SsrMode::Async />
                    <Route path=path!("/candidates/:id/edit") view=EditCandidatePage ssr=SsrMode::Async />
                    <Route path=path!("/applications/:id") view=ApplicationPage ssr=SsrMode::Async />
                    <Route path=path!("/applications/:id/schedule") view=SchedulePage ssr=SsrMode::Async />
                    <Route path=path!("/interviews/:id") view=InterviewPage ssr=SsrMode::Async />
                    <Route path=path!("/interviews/:id/kit") view=KitPage ssr=SsrMode::Async />
                    <Route path=path!("/interviews/:id/agenda") view=AgendaEditorPage ssr=SsrMode::Async />
                    <Route path=path!("/interviews/:id/live") view=LivePage ssr=SsrMode::Async />
                    <Route path=path!("/interviews/:id/scorecard") view=ScorecardFormPage ssr=SsrMode::Async />
                    <Route path=path!("/scorecards/:id") view=ScorecardReadPage ssr=SsrMode::Async />
                    <Route path=path!("/debriefs/:id") view=DebriefPage ssr=SsrMode::Async />
                    <Route path=path!("/debriefs/:id/print") view=DebriefPrintPage ssr=SsrMode::Async />
                    <Route path=path!("/openings/:id/questions") view=ScorecardQuestionsPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/feedback-check") view=FeedbackCheckPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/mail") view=SentMailPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/mail/:id") view=MailMessagePage ssr=SsrMode::Async />
                    <Route path=path!("/agendas") view=AgendaTemplatesPage ssr=SsrMode::Async />
                    <Route path=path!("/agendas/:id") view=AgendaTemplatePage ssr=SsrMode::Async />
                    <Route path=path!("/challenges") view=ChallengesPage ssr=SsrMode::Async />
                    <Route path=path!("/challenges/new") view=NewChallengePage ssr=SsrMode::Async />
                    <Route path=path!("/challenges/:id") view=ChallengePage ssr=SsrMode::Async />
                    <Route path=path!("/challenges/:id/edit") view=EditChallengePage ssr=SsrMode::Async />
                    <Route path=path!("/my-interviews") view=MyInterviewsPage ssr=SsrMode::Async />
                    <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/skill-areas") view=SkillAreasPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/audit") view=AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users") view=UsersPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users/new") view=NewUserPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users/:id") view=EditUserPage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn Header(user: UserResource) -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                "Hireloop"
            </a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) => view! { <MainNav user /> }.into_any(),
                        _ => {
                            view! {
                                <nav aria-label="Main" class="main-nav">
                                    <A href="/login">"Sign in"</A>
                                </nav>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </header>
    }
}

#[component]
fn MainNav(user: CurrentUser) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    view! {
        <nav aria-label="Main" class="main-nav">
            <A href="/" exact=true>
                "Dashboard"
            </A>
            <A href="/openings">"Openings"</A>
            {(user.is_admin() || user.is_hiring_manager)
                .then(|| {
                    view! {
                        <A href="/candidates">"Candidates"</A>
                        <A href="/challenges">"Challenges"</A>
                        <A href="/agendas">"Agendas"</A>
                    }
                })}
            <A href="/my-interviews">"My interviews"</A>
            {user.is_admin().then(|| view! { <A href="/admin">"Admin"</A> })}
        </nav>
        <div class="user-menu">
            <A href="/account">
                <span class="visually-hidden">"Account settings for "</span>
                {user.name.clone()}
            </A>
            <ActionForm action=logout attr:class="inline-form">
                <button type="submit" class="link-button">
                    "Sign out"
                </button>
            </ActionForm>
        </div>
    }
}
