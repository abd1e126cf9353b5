//! PDF resumes over HTTP: checked on upload, stored, and served only to allowed readers.

use crate::cases;
use anyhow::ensure;
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult};
use reqwest::StatusCode;

cases! {
    http: [resume_pdfs_are_checked_and_served_only_to_allowed_readers],
    browser: [],
}

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    candidate: i64,
    name: &str,
    bytes: Vec<u8>,
) -> anyhow::Result<(StatusCode, String)> {
    let form = reqwest::multipart::Form::new().part(
        "resume",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    let response = client
        .post(app.url(&format!("/candidates/{candidate}/resume")))
        .header("Origin", &app.address)
        .multipart(form)
        .send()
        .await?;
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Ok((response.status(), location))
}

async fn resume_pdfs_are_checked_and_served_only_to_allowed_readers(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let before = app.digest().await?;
    let (status, location) = upload(
        &app,
        &hm,
        fx.jordan,
        "cv.docx",
        b"PK\x03\x04 not a pdf".to_vec(),
    )
    .await?;
    ensure!(
        status.is_redirection() && location.ends_with("resume_error=not_pdf"),
        "{location}"
    );
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(5 * 1024 * 1024 + 10, b'x');
    let (_, location) = upload(&app, &hm, fx.jordan, "big.pdf", big).await?;
    ensure!(location.ends_with("resume_error=too_large"), "{location}");
    let mut huge = b"%PDF-1.7\n".to_vec();
    huge.resize(8 * 1024 * 1024, b'x');
    let (status, location) = upload(&app, &hm, fx.jordan, "huge.pdf", huge).await?;
    ensure!(
        status.is_redirection() && location.ends_with("resume_error=cut_off"),
        "{status} {location}"
    );
    // Only people who may edit the candidate upload: not Jordan's manager, not a member,
    // not an interviewer, not the anonymous.
    let small_pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
    for (who, user) in [
        ("manager", &fx.people.manager),
        ("member", &fx.people.member),
        ("interviewer", &fx.people.interviewer),
    ] {
        let client = app.login(user).await?;
        let (status, _) = upload(&app, &client, fx.jordan, "x.pdf", small_pdf.clone()).await?;
        ensure!(status == StatusCode::NOT_FOUND, "{who}: {status}");
    }
    // The manager may see Maria (an external candidate) but not edit her.
    let manager = app.login(&fx.people.manager).await?;
    let (status, _) = upload(&app, &manager, fx.maria, "x.pdf", small_pdf.clone()).await?;
    ensure!(
        status == StatusCode::FORBIDDEN,
        "manager on Maria: {status}"
    );
    let (status, location) =
        upload(&app, &TestApp::client(), fx.jordan, "x.pdf", small_pdf).await?;
    ensure!(
        status.is_redirection() && location.starts_with("/login"),
        "anonymous: {status} {location}"
    );
    app.ensure_unchanged(&before, "refused uploads").await?;
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let (_, location) = upload(&app, &hm, fx.jordan, "../Jordan CV.pdf", pdf.clone()).await?;
    ensure!(location.ends_with("resume=uploaded"), "{location}");
    let fetch = |client: reqwest::Client| {
        let url = app.url(&format!("/candidates/{}/resume.pdf", fx.jordan));
        async move { anyhow::Ok(client.get(url).send().await?) }
    };
    let response = fetch(hm.clone()).await?;
    ensure!(response.status() == StatusCode::OK);
    ensure!(response.headers()["content-type"] == "application/pdf");
    ensure!(response.headers()["content-disposition"]
        .to_str()?
        .contains("Jordan CV.pdf"));
    ensure!(
        response.bytes().await?.as_ref() == pdf.as_slice(),
        "same bytes"
    );
    // The interviewer of Jordan's loop may read it; Jordan's manager and others may not.
    let interviewer = app.login(&fx.people.interviewer).await?;
    ensure!(
        fetch(interviewer).await?.status() == StatusCode::OK,
        "interviewer reads the resume"
    );
    for (who, user) in [
        ("manager", &fx.people.manager),
        ("member", &fx.people.member),
        ("Maria's other interviewer", &fx.people.tom),
    ] {
        let client = app.login(user).await?;
        let status = fetch(client).await?.status();
        ensure!(status == StatusCode::NOT_FOUND, "{who}: {status}");
    }
    ensure!(fetch(TestApp::client()).await?.status() == StatusCode::UNAUTHORIZED);
    app.stop().await;
    Ok(())
}
