//! Server functions of live interview mode: the interview's interviewers and the people
//! who manage its application (the kit's readers) — nobody else learns it exists.

use super::{ControlInput, LiveData, LiveSnapshot, NoteInput, RatingInput};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service, crate::access, crate::auth::guard::require_user, crate::endpoint,
    crate::state::app_state,
};

#[server(endpoint = "get_live")]
pub async fn get_live(interview_id: i64) -> Result<LiveData, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_kit_reader(&state.db, require_user().await?, interview_id).await?;
        service::page(&state.db, &scope, state.clock.now_millis()).await
    })
    .await
}

/// The clock as saved, with the server's time (the browser's clock may be off).
#[server(endpoint = "live_clock")]
pub async fn live_clock(interview_id: i64) -> Result<LiveSnapshot, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_kit_reader(&state.db, require_user().await?, interview_id).await?;
        service::snapshot(&state.db, &scope, state.clock.now_millis()).await
    })
    .await
}

/// Start, Next, Back, Pause or Resume.
#[server(endpoint = "control_live_clock")]
pub async fn control_live_clock(
    interview_id: i64,
    input: ControlInput,
) -> Result<LiveSnapshot, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_kit_reader(&state.db, require_user().await?, interview_id).await?;
        let snapshot =
            service::control(&state.db, &scope, &input, state.clock.now_millis()).await?;
        endpoint::redirect_form_post(&format!("/interviews/{interview_id}/live"));
        Ok(snapshot)
    })
    .await
}

/// Saves the viewer's notes on an agenda item; answers with the time saved.
#[server(endpoint = "save_live_note")]
pub async fn save_live_note(interview_id: i64, input: NoteInput) -> Result<i64, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_kit_reader(&state.db, require_user().await?, interview_id).await?;
        let saved = service::save_note(&state.db, &scope, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!(
            "/interviews/{interview_id}/live#item-{}",
            input.item_id
        ));
        Ok(saved)
    })
    .await
}

#[server(endpoint = "rate_challenge")]
pub async fn rate_challenge(interview_id: i64, input: RatingInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_kit_reader(&state.db, require_user().await?, interview_id).await?;
        service::rate(&state.db, &scope, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/interviews/{interview_id}/live?rated=1"));
        Ok(())
    })
    .await
}
