//! How browsers' form posts decode into the typed inputs of server functions: the same
//! `serde_qs` settings the server-function layer uses (nested `input[...]` names, brackets
//! percent-encoded by the browser, checkboxes present or absent).

#[cfg(test)]
mod tests {
    use crate::interviews::ScheduleInput;
    use crate::openings::{OpeningInput, StageInput};
    use crate::values::Checkbox;
    use serde::{Deserialize, Serialize};

    /// The argument struct of a server function taking `input`.
    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Args<T> {
        id: i64,
        input: T,
    }

    fn decode<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, String> {
        serde_qs::Config::new(5, false)
            .deserialize_str(body)
            .map_err(|e| e.to_string())
    }

    /// A body as a browser sends it: `[` and `]` percent-encoded.
    fn browser(body: &str) -> String {
        body.replace('[', "%5B").replace(']', "%5D")
    }

    #[test]
    fn a_browser_form_decodes_into_nested_input_with_lists() {
        let body = browser(
            "id=7&input[title]=Backend+Engineer&input[status]=open&input[skills][]=3&input[skills][]=5",
        );
        let args: Args<OpeningInput> = decode(&body).expect("decodes");
        assert_eq!(args.id, 7);
        assert_eq!(args.input.title, "Backend Engineer");
        assert_eq!(args.input.skills, vec![3, 5]);
        // Fields the form did not send are empty, so the service names them.
        assert_eq!(args.input.team, "");
    }

    #[test]
    fn interviewer_rows_with_their_skill_areas_decode() {
        let body = browser(
            "id=1&input[title]=Loop&input[interviewers][0][user_id]=4&input[interviewers][0][skills][]=2\
             &input[interviewers][0][skills][]=6&input[interviewers][1][user_id]=&input[interviewers][2][user_id]=9\
             &input[interviewers][2][skills][]=1&input[confirm]=on",
        );
        let args: Args<ScheduleInput> = decode(&body).expect("decodes");
        let rows = &args.input.interviewers;
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (rows[0].user_id.as_str(), rows[0].skills.clone()),
            ("4", vec![2, 6])
        );
        assert_eq!(rows[1].user_id, "");
        assert!(rows[1].skills.is_empty());
        assert_eq!(
            (rows[2].user_id.as_str(), rows[2].skills.clone()),
            ("9", vec![1])
        );
        assert!(args.input.confirm.is_checked());
    }

    #[test]
    fn checkboxes_are_ticked_by_presence_and_round_trip() {
        let ticked: Args<StageInput> = decode(&browser(
            "id=1&input[name]=Screen&input[skip_for_internal]=on",
        ))
        .expect("ticked");
        assert_eq!(ticked.input.skip_for_internal, Checkbox(true));
        let unticked: Args<StageInput> =
            decode(&browser("id=1&input[name]=Screen")).expect("unticked");
        assert_eq!(unticked.input.skip_for_internal, Checkbox(false));
        for value in [true, false] {
            let args = Args {
                id: 2,
                input: StageInput {
                    name: "Screen".into(),
                    kind: "review".into(),
                    skip_for_internal: Checkbox(value),
                },
            };
            let encoded = serde_qs::to_string(&args).expect("encodes");
            assert_eq!(decode::<Args<StageInput>>(&encoded), Ok(args), "{encoded}");
        }
    }

    #[test]
    fn typed_inputs_round_trip_through_the_encoding_tests_use() {
        let args = Args {
            id: 3,
            input: ScheduleInput {
                title: "Deep dive & more".into(),
                interviewers: vec![
                    crate::interviews::InterviewerInput {
                        user_id: "4".into(),
                        skills: vec![2, 6],
                    },
                    crate::interviews::InterviewerInput::default(),
                ],
                confirm: Checkbox(true),
                ..ScheduleInput::default()
            },
        };
        let encoded = serde_qs::to_string(&args).expect("encodes");
        assert_eq!(
            decode::<Args<ScheduleInput>>(&encoded),
            Ok(args),
            "{encoded}"
        );
    }
}
