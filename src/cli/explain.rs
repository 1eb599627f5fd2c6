//! `pactum explain`: the long explanation of a diagnostic code.

use pactum::diag::{codes, Code};

use super::out::{errln, out, outln};
use super::Exit;

/// Prints the page of `code`, or the index when no code is given.
pub fn run(code: Option<&str>) -> Exit {
    let Some(code) = code else {
        outln!("Diagnostic codes (`pactum explain CODE` for one of them):\n");
        for c in codes::ALL {
            let kind = match c.severity {
                pactum::Severity::Error => "error",
                pactum::Severity::Warning => "warning",
            };
            outln!("  {:<40} {kind:<8} {}", c.id, c.summary);
        }
        return Exit::Success;
    };
    match Code::find(code.trim()) {
        Some(c) => {
            out!("{}", c.explanation);
            Exit::Success
        }
        None => {
            errln!("error: `{code}` is not a Pactum diagnostic code");
            let ids = codes::ALL.iter().map(|c| c.id);
            match pactum::suggest(code, ids) {
                Some(s) => errln!("  help: did you mean `{s}`?"),
                None => errln!("  help: run `pactum explain` to list every code"),
            }
            Exit::Failure
        }
    }
}
