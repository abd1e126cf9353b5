//! PDF resumes over plain HTTP: a multipart upload form (works without JavaScript) and a
//! download that only people allowed to read the resume get.

use super::{pdf, ResumeProblem};
use crate::access;
use crate::auth::guard;
use crate::error::AppError;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

fn error_page(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, error.to_string()).into_response()
}

/// `GET /candidates/{id}/resume.pdf`
pub async fn download(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> Response {
    let user = match guard::user_from_session(&state.db, &session).await {
        Ok(Some(user)) => user,
        Ok(None) => return error_page(&AppError::Unauthenticated),
        Err(e) => return error_page(&e),
    };
    let loaded = match access::require_resume_reader(&state.db, user, id).await {
        Ok(scope) => pdf::load_pdf(&state.db, &scope).await,
        Err(e) => Err(e),
    };
    match loaded {
        Ok((name, bytes)) => {
            let disposition = format!("inline; filename=\"{name}\"");
            let mut response = Response::new(Body::from(bytes));
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            );
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(e) => error_page(&e),
    }
}

/// `POST /candidates/{id}/resume` (multipart, field `resume`). Redirects back to the
/// candidate's page with the outcome.
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Response {
    let user = match guard::user_from_session(&state.db, &session).await {
        Ok(Some(user)) => user,
        Ok(None) => return Redirect::to(&format!("/login?next=/candidates/{id}")).into_response(),
        Err(e) => return error_page(&e),
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("resume") => {
                let name = field.file_name().unwrap_or("resume.pdf").to_owned();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(_) => return back(id, Some(ResumeProblem::CutOff)),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return back(id, Some(ResumeProblem::CutOff)),
        }
    }
    let Some((name, bytes)) = file else {
        return back(id, Some(ResumeProblem::Missing));
    };
    let stored = match access::require_candidate_viewer(&state.db, user, id).await {
        Ok(scope) => pdf::store_pdf(&state.db, &scope, &name, bytes, state.now()).await,
        Err(e) => Err(e),
    };
    match stored {
        Ok(()) => back(id, None),
        Err(AppError::Invalid(fields)) => back(
            id,
            Some(
                fields
                    .get("resume")
                    .and_then(<ResumeProblem as crate::values::Choice>::from_stored)
                    .unwrap_or(ResumeProblem::NotPdf),
            ),
        ),
        Err(e) => error_page(&e),
    }
}

fn back(id: i64, problem: Option<ResumeProblem>) -> Response {
    let target = match problem {
        Some(problem) => format!("/candidates/{id}?resume_error={}", problem.as_str()),
        None => format!("/candidates/{id}?resume=uploaded"),
    };
    Redirect::to(&target).into_response()
}
