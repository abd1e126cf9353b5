//! Sign-in, first-admin set-up and set-password pages.

use super::api::{
    needs_setup, password_link_owner, setup_form, Login, RedeemPasswordLink, SetupFirstAdmin,
};
use crate::components::{
    action_error, field_error, loaded, FormError, NotFound, PasswordField, SelectField, TextField,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".into());
    let password_set = move || query.read().get("password_set").is_some();
    let setup = Resource::new(|| (), |()| needs_setup());
    let login = ServerAction::<Login>::new();
    let error = action_error(login);
    view! {
        <Title text="Sign in · Hireloop" />
        <section class="page narrow auth-page">
            <h1>"Sign in to Hireloop"</h1>
            {loaded(
                setup,
                |needs_setup| {
                    needs_setup
                        .then(|| {
                            view! {
                                <div class="notice" role="status">
                                    <p>
                                        "This Hireloop has no accounts yet. "
                                        <a href="/setup">"Create the first admin"</a>
                                    </p>
                                </div>
                            }
                        })
                },
            )}
            {move || {
                password_set()
                    .then(|| {
                        view! {
                            <div class="form-saved" role="status">
                                "Your password is set. Sign in with it."
                            </div>
                        }
                    })
            }}
            <ActionForm action=login attr:class="form" attr:novalidate=true>
                <FormError error=error />
                <input type="hidden" name="input[next]" value=next />
                <TextField
                    label="Email"
                    name="input[email]"
                    kind="email"
                    autocomplete="username"
                    error=field_error(error, "email")
                />
                <PasswordField label="Password" name="input[password]" error=field_error(error, "password") />
                <div class="actions">
                    <button type="submit" disabled=move || login.pending().get()>
                        "Sign in"
                    </button>
                </div>
            </ActionForm>
            <p class="hint">"Forgot your password? Ask an admin for a set-password link."</p>
        </section>
    }
}

/// The first-admin form, offered only while the instance has no accounts.
#[component]
pub fn SetupPage() -> impl IntoView {
    let setup = Resource::new(|| (), |()| setup_form());
    let action = ServerAction::<SetupFirstAdmin>::new();
    let error = action_error(action);
    view! {
        <Title text="Set up Hireloop" />
        {loaded(
            setup,
            move |timezones: Option<Vec<String>>| {
                let Some(timezones) = timezones else {
                    return view! { <NotFound /> }.into_any();
                };
                view! {
                    <section class="page narrow auth-page">
                        <h1>"Welcome to Hireloop"</h1>
                        <p>
                            "Create the first admin account. Admins add the rest of the team, skill areas and settings."
                        </p>
                        <ActionForm action=action attr:class="form" attr:novalidate=true>
                            <FormError error=error />
                            <TextField
                                label="Your name"
                                name="input[name]"
                                autocomplete="name"
                                error=field_error(error, "name")
                            />
                            <TextField
                                label="Email"
                                name="input[email]"
                                kind="email"
                                autocomplete="username"
                                error=field_error(error, "email")
                            />
                            <SelectField
                                label="Time zone"
                                name="input[timezone]"
                                options=timezones.into_iter().map(|tz| (tz.clone(), tz)).collect()
                                selected="UTC".to_owned()
                                error=field_error(error, "timezone")
                            />
                            <PasswordField
                                label="Password"
                                name="input[password]"
                                autocomplete="new-password"
                                hint="At least 10 characters."
                                error=field_error(error, "password")
                            />
                            <PasswordField
                                label="Repeat the password"
                                name="input[password_confirm]"
                                autocomplete="new-password"
                            />
                            <div class="actions">
                                <button type="submit" disabled=move || action.pending().get()>
                                    "Create admin account"
                                </button>
                            </div>
                        </ActionForm>
                    </section>
                }
                    .into_any()
            },
        )}
    }
}

/// Set a password through a one-time link.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let owner = Resource::new(token, password_link_owner);
    let action = ServerAction::<RedeemPasswordLink>::new();
    let error = action_error(action);
    view! {
        <Title text="Set your password · Hireloop" />
        <section class="page narrow auth-page">
            {loaded(
                owner,
                move |owner| match owner {
                    None => {
                        view! {
                            <h1>"This link no longer works"</h1>
                            <p>
                                "Set-password links work once and expire after 72 hours. Ask an admin for a new one."
                            </p>
                        }
                            .into_any()
                    }
                    Some(name) => {
                        view! {
                            <h1>"Set your password"</h1>
                            <p>"Hello " {name} ". Choose the password you will sign in with."</p>
                            <ActionForm action=action attr:class="form" attr:novalidate=true>
                                <FormError error=error />
                                <input type="hidden" name="token" value=token />
                                <PasswordField
                                    label="New password"
                                    name="input[new_password]"
                                    autocomplete="new-password"
                                    hint="At least 10 characters."
                                    error=field_error(error, "new_password")
                                />
                                <PasswordField
                                    label="Repeat the new password"
                                    name="input[new_password_confirm]"
                                    autocomplete="new-password"
                                />
                                <div class="actions">
                                    <button type="submit">"Set password"</button>
                                </div>
                            </ActionForm>
                        }
                            .into_any()
                    }
                },
            )}
        </section>
    }
}
