//! The Hireloop server as a library: configuration, start-up, the command line's actions.
//! `main.rs` only parses the command line; tests start the same [`startup::Application`].

pub mod config;
pub mod demo;
pub mod metrics;
pub mod runner;
pub mod security;
pub mod serve;
pub mod startup;
