//! Audit log pages: the whole instance (admins) and one opening (its hiring manager).

use super::api::list_audit;
use super::AuditEntryView;
use crate::components::{loaded, TableWrap};
use crate::openings::api::opening_audit;
use crate::paging::{PageNumber, Paged, Pager};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A table of audit entries, newest first.
#[component]
pub fn AuditTable(entries: Vec<AuditEntryView>) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p>"Nothing has been recorded yet."</p> }.into_any();
    }
    view! {
        <TableWrap label="Audit log">
            <table>
                <caption class="visually-hidden">"Audit log, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"What"</th>
                        <th scope="col">"Before → after"</th>
                    </tr>
                </thead>
                <tbody>
                    {entries
                        .into_iter()
                        .map(|e| {
                            let change = match (e.before, e.after) {
                                (Some(b), Some(a)) => format!("{b} → {a}"),
                                (None, Some(a)) => format!("→ {a}"),
                                (Some(b), None) => format!("{b} →"),
                                (None, None) => String::new(),
                            };
                            view! {
                                <tr>
                                    <td>{e.at}</td>
                                    <td>{e.actor.unwrap_or_else(|| "—".into())}</td>
                                    <td>{e.summary}</td>
                                    <td class="mono">{change}</td>
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
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || PageNumber::parse(query.read().get("page").as_deref());
    let entries = Resource::new(page, list_audit);
    view! {
        <Title text="Audit log · Hireloop" />
        <section class="page wide">
            <p class="breadcrumb">
                <a href="/admin">"Admin"</a>
            </p>
            <h1>"Audit log"</h1>
            {loaded(entries, |page: Paged<AuditEntryView>| view! {
                <AuditTable entries=page.items />
                <Pager page=page.page more=page.more label="Audit log" previous="Newer entries" next="Older entries" />
            })}
        </section>
    }
}

#[component]
pub fn OpeningAuditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let query = use_query_map();
    let page = move || PageNumber::parse(query.read().get("page").as_deref());
    let entries = Resource::new(move || (id(), page()), |(id, page)| opening_audit(id, page));
    view! {
        <Title text="Opening history · Hireloop" />
        <section class="page wide">
            <p class="breadcrumb">
                <a href=move || format!("/openings/{}", id())>"Opening"</a>
            </p>
            <h1>"History of this opening"</h1>
            {loaded(entries, |page: Paged<AuditEntryView>| view! {
                <AuditTable entries=page.items />
                <Pager page=page.page more=page.more label="History" previous="Newer entries" next="Older entries" />
            })}
        </section>
    }
}
