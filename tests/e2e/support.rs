//! Test registration and small shared helpers.

use hireloop_tests::{Backend, TestResult};
use std::future::Future;
use std::pin::Pin;

pub type CaseFn = fn(Backend) -> Pin<Box<dyn Future<Output = TestResult> + Send>>;

/// One test, run once per backend.
#[derive(Clone, Copy)]
pub struct Case {
    pub name: &'static str,
    pub browser: bool,
    pub run: CaseFn,
}

/// Registers async test functions `async fn name(backend: Backend) -> TestResult`.
#[macro_export]
macro_rules! cases {
    (http: [$($http:ident),* $(,)?], browser: [$($ui:ident),* $(,)?] $(,)?) => {
        pub fn cases() -> Vec<$crate::support::Case> {
            vec![
                $($crate::support::Case {
                    name: stringify!($http),
                    browser: false,
                    run: |backend| Box::pin($http(backend)),
                },)*
                $($crate::support::Case {
                    name: stringify!($ui),
                    browser: true,
                    run: |backend| Box::pin($ui(backend)),
                },)*
            ]
        }
    };
}

/// Runs `body` with a browser, closing the browser whatever the outcome.
pub async fn with_browser<F, Fut>(base: &str, javascript: bool, body: F) -> TestResult
where
    F: FnOnce(std::sync::Arc<hireloop_tests::Browser>) -> Fut,
    Fut: Future<Output = TestResult>,
{
    let browser = std::sync::Arc::new(hireloop_tests::Browser::open(base, javascript).await?);
    let result = body(browser.clone()).await;
    if let Ok(browser) = std::sync::Arc::try_unwrap(browser) {
        browser.close().await;
    }
    result
}
