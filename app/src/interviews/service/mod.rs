//! The rules for interviews, by action: reading the time slot a scheduler entered
//! ([`slots`]), scheduling, rescheduling and cancelling with their checks
//! ([`scheduling`]), and what managers and interviewers see — loops, "My interviews" and the
//! kit ([`views`]).

pub mod challenges;
pub mod scheduling;
pub mod slots;
pub mod views;

pub use scheduling::{cancel, reschedule, schedule};
pub use views::{
    application_loop, detail, kit, loop_warnings, my_interviews, next_interviews, schedule_form,
    upcoming_for_opening,
};
