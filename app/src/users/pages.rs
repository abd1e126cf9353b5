//! Admin pages for accounts, and the user's own account page.

use super::api::{
    get_account, get_user_edit, list_users, new_user_form, CreateUser, IssuePasswordLink,
    SetUserActive, UpdateMyTimezone, UpdateUser,
};
use super::UserSummary;
use crate::auth::api::ChangePassword;
use crate::components::{
    action_error, action_succeeded, field_error, loaded, use_route_id, FormError, FormSaved,
    PasswordField, SelectField, TableWrap, TextField,
};
use crate::values::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn role_options() -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
        .collect()
}

fn timezone_options(names: &[String]) -> Vec<(String, String)> {
    names.iter().map(|n| (n.clone(), n.clone())).collect()
}

/// All accounts, for admins.
#[component]
pub fn UsersPage() -> impl IntoView {
    let users = Resource::new(|| (), |()| list_users());
    view! {
        <Title text="Users · Hireloop" />
        <section class="page">
            <header class="page-header">
                <h1>"Users"</h1>
                <a class="button" href="/admin/users/new">
                    "New user"
                </a>
            </header>
            {loaded(users, |users: Vec<UserSummary>| view! { <UserTable users /> })}
        </section>
    }
}

#[component]
fn UserTable(users: Vec<UserSummary>) -> impl IntoView {
    view! {
        <TableWrap label="Users">
            <table>
                <caption class="visually-hidden">"All user accounts"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Time zone"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {users
                        .into_iter()
                        .map(|user| {
                            let status = match (user.active, user.has_password) {
                                (false, _) => "Deactivated",
                                (true, false) => "Invited (no password yet)",
                                (true, true) => "Active",
                            };
                            view! {
                                <tr class:inactive=!user.active>
                                    <td>
                                        <a href=format!("/admin/users/{}", user.id)>{user.name}</a>
                                    </td>
                                    <td>{user.email}</td>
                                    <td>{user.role.label()}</td>
                                    <td>{user.timezone}</td>
                                    <td>{status}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableWrap>
    }
}

/// The form for a new account.
#[component]
pub fn NewUserPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| new_user_form());
    let create = ServerAction::<CreateUser>::new();
    let error = action_error(create);
    view! {
        <Title text="New user · Hireloop" />
        <section class="page narrow">
            <p class="breadcrumb">
                <a href="/admin/users">"Users"</a>
            </p>
            <h1>"New user"</h1>
            {loaded(
                data,
                move |data| {
                    view! {
                        <ActionForm action=create attr:class="form" attr:novalidate=true>
                            <FormError error=error />
                            <TextField
                                label="Name"
                                name="input[name]"
                                autocomplete="off"
                                error=field_error(error, "name")
                            />
                            <TextField
                                label="Email"
                                name="input[email]"
                                kind="email"
                                autocomplete="off"
                                error=field_error(error, "email")
                            />
                            <SelectField
                                label="Time zone"
                                name="input[timezone]"
                                options=timezone_options(&data.timezones)
                                selected=data.default_timezone.clone()
                                error=field_error(error, "timezone")
                            />
                            <SelectField
                                label="Role"
                                name="input[role]"
                                options=role_options()
                                selected="member".to_owned()
                                hint="Admins manage accounts and settings; members take part in hiring."
                                error=field_error(error, "role")
                            />
                            <fieldset class="choices">
                                <legend>"First password"</legend>
                                <label class="choice">
                                    <input
                                        type="radio"
                                        name="input[password_mode]"
                                        value="link"
                                        checked=true
                                    />
                                    "Create a one-time link for the user to set their own password"
                                </label>
                                <label class="choice">
                                    <input
                                        type="radio"
                                        name="input[password_mode]"
                                        value="password"
                                    />
                                    "Set an initial password now"
                                </label>
                                {move || {
                                    error
                                        .get()
                                        .and_then(|e| e.field("password_mode"))
                                        .map(|m| view! { <p class="field-error">{m}</p> })
                                }}
                            </fieldset>
                            // Dimmed while "link" is chosen (by the stylesheet, no script needed).
                            <div class="conditional">
                                <TextField
                                    label="Initial password (only when setting one now)"
                                    name="input[password]"
                                    kind="password"
                                    autocomplete="new-password"
                                    hint="At least 10 characters. Share it with the user privately."
                                    error=field_error(error, "password")
                                />
                            </div>
                            <div class="actions">
                                <button type="submit" disabled=move || create.pending().get()>
                                    "Create user"
                                </button>
                                <a href="/admin/users">"Cancel"</a>
                            </div>
                        </ActionForm>
                    }
                },
            )}
        </section>
    }
}

/// Edit an account: profile and role, activation, set-password links.
#[component]
pub fn EditUserPage() -> impl IntoView {
    let query = use_query_map();
    let id = use_route_id("id");
    let update = ServerAction::<UpdateUser>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let issue = ServerAction::<IssuePasswordLink>::new();
    let data = Resource::new(
        move || {
            (
                id(),
                set_active.version().get(),
                issue.version().get(),
                update.version().get(),
            )
        },
        |(id, ..)| get_user_edit(id),
    );
    let update_error = action_error(update);
    let saved = Signal::derive(move || {
        action_succeeded(update).get() || query.read().get("saved").is_some()
    });
    let active_error = action_error(set_active);
    let issue_error = action_error(issue);

    view! {
        <Title text="Edit user · Hireloop" />
        <section class="page narrow">
            <p class="breadcrumb">
                <a href="/admin/users">"Users"</a>
            </p>
            {loaded(
                data,
                move |(data, link): (super::UserEditData, Option<String>)| {
                    let user = data.user.clone();
                    let status = if user.active { "Active" } else { "Deactivated" };
                    view! {
                        <h1>{user.name.clone()}</h1>
                        <p class="status-line">
                            <span class="badge" class:badge-muted=!user.active>
                                {status}
                            </span>
                            {(!user.has_password)
                                .then(|| {
                                    view! { <span class="badge">"No password set yet"</span> }
                                })}
                        </p>
                        {link
                            .map(|link| {
                                view! {
                                    <div class="notice" role="status">
                                        <p>
                                            <strong>"One-time set-password link"</strong>
                                            " (valid for 72 hours; it is shown only now):"
                                        </p>
                                        <label for="password-link" class="visually-hidden">
                                            "Set-password link"
                                        </label>
                                        <input
                                            id="password-link"
                                            type="text"
                                            readonly=true
                                            value=link
                                            class="mono"
                                        />
                                    </div>
                                }
                            })}
                        <ActionForm action=update attr:class="form" attr:novalidate=true>
                            <FormError error=update_error />
                            <FormSaved when=saved message="Changes saved." />
                            <input type="hidden" name="id" value=user.id />
                            <TextField
                                label="Name"
                                name="input[name]"
                                value=user.name.clone()
                                error=field_error(update_error, "name")
                            />
                            <TextField
                                label="Email"
                                name="input[email]"
                                kind="email"
                                value=user.email.clone()
                                error=field_error(update_error, "email")
                            />
                            <SelectField
                                label="Time zone"
                                name="input[timezone]"
                                options=timezone_options(&data.timezones)
                                selected=user.timezone.clone()
                                error=field_error(update_error, "timezone")
                            />
                            <SelectField
                                label="Role"
                                name="input[role]"
                                options=role_options()
                                selected=user.role.as_str().to_owned()
                                error=field_error(update_error, "role")
                            />
                            <div class="actions">
                                <button type="submit">"Save changes"</button>
                            </div>
                        </ActionForm>

                        <section class="panel">
                            <h2>"Password"</h2>
                            <p>
                                "Create a one-time link the user opens to set a new password. Older links stop working."
                            </p>
                            <ActionForm action=issue attr:class="inline-form">
                                <input type="hidden" name="id" value=user.id />
                                <FormError error=issue_error />
                                <button type="submit" class="secondary">
                                    "Create set-password link"
                                </button>
                            </ActionForm>
                        </section>

                        <section class="panel">
                            <h2>"Access"</h2>
                            {if user.active {
                                view! {
                                    <p>
                                        "Deactivating signs the user out everywhere at once and stops them signing in. Their history stays."
                                    </p>
                                }
                                    .into_any()
                            } else {
                                view! { <p>"This account cannot sign in."</p> }.into_any()
                            }}
                            <ActionForm action=set_active attr:class="inline-form">
                                <input type="hidden" name="id" value=user.id />
                                <input type="hidden" name="active" value=(!user.active).to_string() />
                                <FormError error=active_error />
                                <button
                                    type="submit"
                                    class=if user.active { "danger" } else { "secondary" }
                                    disabled=data.is_self && user.active
                                >
                                    {if user.active { "Deactivate user" } else { "Reactivate user" }}
                                </button>
                                {(data.is_self && user.active)
                                    .then(|| {
                                        view! {
                                            <p class="hint">"You cannot deactivate your own account."</p>
                                        }
                                    })}
                            </ActionForm>
                        </section>
                    }
                },
            )}
        </section>
    }
}

/// The signed-in user's own settings: time zone and password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let query = use_query_map();
    let update_tz = ServerAction::<UpdateMyTimezone>::new();
    let change_password = ServerAction::<ChangePassword>::new();
    let data = Resource::new(move || update_tz.version().get(), |_| get_account());
    let tz_error = action_error(update_tz);
    let pw_error = action_error(change_password);
    let tz_saved = Signal::derive(move || {
        action_succeeded(update_tz).get()
            || query.read().get("saved").as_deref() == Some("timezone")
    });
    let pw_saved = Signal::derive(move || {
        action_succeeded(change_password).get()
            || query.read().get("saved").as_deref() == Some("password")
    });
    view! {
        <Title text="Your account · Hireloop" />
        <section class="page narrow">
            <h1>"Your account"</h1>
            {loaded(
                data,
                move |data| {
                    view! {
                        <p>
                            {data.name.clone()} " · " <span class="mono">{data.email.clone()}</span>
                        </p>
                        <section class="panel">
                            <h2>"Time zone"</h2>
                            <p class="hint">
                                "Interview times are shown to you in this time zone."
                            </p>
                            <ActionForm action=update_tz attr:class="form">
                                <FormError error=tz_error />
                                <FormSaved when=tz_saved message="Time zone saved." />
                                <SelectField
                                    label="Your time zone"
                                    name="input[timezone]"
                                    options=timezone_options(&data.timezones)
                                    selected=data.timezone.clone()
                                    error=field_error(tz_error, "timezone")
                                />
                                <div class="actions">
                                    <button type="submit">"Save time zone"</button>
                                </div>
                            </ActionForm>
                        </section>
                    }
                },
            )}
            <crate::mail::pages::MyMailSettingsPanel />
            <section class="panel">
                <h2>"Password"</h2>
                <ActionForm action=change_password attr:class="form" attr:novalidate=true>
                    <FormError error=pw_error />
                    <FormSaved
                        when=pw_saved
                        message="Password changed. Your other sessions were signed out."
                    />
                    <PasswordField
                        label="Current password"
                        name="input[current_password]"
                        error=field_error(pw_error, "current_password")
                    />
                    <PasswordField
                        label="New password"
                        name="input[new_password]"
                        autocomplete="new-password"
                        hint="At least 10 characters."
                        error=field_error(pw_error, "new_password")
                    />
                    <PasswordField
                        label="Repeat the new password"
                        name="input[new_password_confirm]"
                        autocomplete="new-password"
                    />
                    <div class="actions">
                        <button type="submit">"Change password"</button>
                    </div>
                </ActionForm>
            </section>
        </section>
    }
}
