//! SQL conditions shared by the access checks and by every list query, so that a list and a
//! single-record check can never disagree about what a viewer may see.

/// The SQL condition "candidate `c` is visible to viewer $V" (admin flag $A), shared by
/// single checks and lists so they can never disagree.
pub const CANDIDATE_VISIBLE: &str = "($A = TRUE OR ( \
     NOT (c.is_internal = TRUE AND COALESCE(c.current_manager_id, -1) = $V) \
     AND ((c.is_internal = FALSE AND EXISTS (SELECT 1 FROM openings vo WHERE vo.hiring_manager_id = $V)) \
          OR EXISTS (SELECT 1 FROM applications va JOIN openings vo ON vo.id = va.opening_id \
                     WHERE va.candidate_id = c.id AND vo.hiring_manager_id = $V))))";

/// [`CANDIDATE_VISIBLE`] with the viewer and admin flag at placeholders `$v` and `$a`.
pub fn candidate_visible(viewer: usize, admin: usize) -> String {
    CANDIDATE_VISIBLE
        .replace("$V", &format!("${viewer}"))
        .replace("$A", &format!("${admin}"))
}
