//! The admin page for skill areas.

use super::api::{
    list_skill_areas, CreateSkillArea, DeleteSkillArea, RenameSkillArea, SetSkillAreaArchived,
};
use super::SkillArea;
use crate::components::{action_error, field_error, loaded, FormError, TableWrap, TextField};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SkillAreasPage() -> impl IntoView {
    let create = ServerAction::<CreateSkillArea>::new();
    let rename = ServerAction::<RenameSkillArea>::new();
    let archive = ServerAction::<SetSkillAreaArchived>::new();
    let delete = ServerAction::<DeleteSkillArea>::new();
    let areas = Resource::new(
        move || {
            (
                create.version().get(),
                rename.version().get(),
                archive.version().get(),
                delete.version().get(),
            )
        },
        |_| list_skill_areas(),
    );
    let create_error = action_error(create);
    let rename_error = action_error(rename);
    let delete_error = action_error(delete);
    view! {
        <Title text="Skill areas · Hireloop" />
        <section class="page">
            <p class="breadcrumb">
                <a href="/admin">"Admin"</a>
            </p>
            <h1>"Skill areas"</h1>
            <p class="hint">
                "Each interviewer owns one or more skill areas in a loop. Renaming keeps the history; a skill area in use can be archived (hidden from new plans) but not deleted."
            </p>
            <ActionForm action=create attr:class="form inline-add">
                <FormError error=create_error />
                <TextField label="New skill area" name="input[name]" error=field_error(create_error, "name") />
                <button type="submit">"Add skill area"</button>
            </ActionForm>
            <FormError error=rename_error />
            <FormError error=delete_error />
            {loaded(
                areas,
                move |areas: Vec<SkillArea>| {
                    view! {
                        <TableWrap label="Skill areas">
                            <table>
                                <caption class="visually-hidden">"Skill areas"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"In use"</th>
                                        <th scope="col">"Actions"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {areas
                                        .into_iter()
                                        .map(|area| {
                                            let id = area.id;
                                            let field_id = format!("skill-{id}-name");
                                            let for_id = field_id.clone();
                                            let name_label = format!("Name of {}", area.name);
                                            let rename_label = format!("Rename {}", area.name);
                                            let archive_label = if area.archived {
                                                format!("Restore {}", area.name)
                                            } else {
                                                format!("Archive {}", area.name)
                                            };
                                            let delete_label = format!("Delete {}", area.name);
                                            let current = area.name.clone();
                                            view! {
                                                <tr class:inactive=area.archived>
                                                    <td>
                                                        <ActionForm action=rename attr:class="inline-form">
                                                            <input type="hidden" name="id" value=id />
                                                            <label for=for_id class="visually-hidden">
                                                                {name_label}
                                                            </label>
                                                            <input id=field_id type="text" name="input[name]" value=current />
                                                            <button type="submit" class="secondary small">
                                                                {rename_label}
                                                            </button>
                                                        </ActionForm>
                                                        {area.archived.then(|| view! { <span class="badge badge-muted">"Archived"</span> })}
                                                    </td>
                                                    <td>{area.uses.map(|u| u.describe()).unwrap_or_default()}</td>
                                                    <td>
                                                        <ActionForm action=archive attr:class="inline-form">
                                                            <input type="hidden" name="id" value=id />
                                                            <input type="hidden" name="archived" value=(!area.archived).to_string() />
                                                            <button type="submit" class="secondary small">
                                                                {archive_label}
                                                            </button>
                                                        </ActionForm>
                                                        {area.uses.is_some_and(|u| !u.in_use())
                                                            .then(|| {
                                                                view! {
                                                                    <ActionForm action=delete attr:class="inline-form">
                                                                        <input type="hidden" name="id" value=id />
                                                                        <button type="submit" class="danger small">
                                                                            {delete_label}
                                                                        </button>
                                                                    </ActionForm>
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
                },
            )}
        </section>
    }
}
