//! The permission matrix calls for scorecards and debriefs.
