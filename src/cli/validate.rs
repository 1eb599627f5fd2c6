//! `pactum validate`: parse and check a package, print its diagnostics.

use std::path::Path;

use super::out::errln;
use super::{render, Exit, MessageFormat};

/// Runs `validate`.
pub fn run(dir: &Path, deny_warnings: bool, format: MessageFormat, limits: pactum::Limits) -> Exit {
    let package = super::load_package(dir, limits);
    let (diags, ok) = match package.check() {
        Ok(policy) => {
            let warnings = policy.warnings().clone();
            // The process ends here: freeing a large package node by node
            // would only delay the exit (rustc skips it the same way).
            std::mem::forget(policy);
            (warnings, true)
        }
        Err(diags) => (diags, false),
    };
    render::diagnostics(&diags, format, true);
    let failed = !ok || (deny_warnings && !diags.is_empty());
    if format == MessageFormat::Human {
        if failed {
            errln!(
                "{}: check failed ({})",
                dir.display(),
                render::summary(&diags)
            );
        } else {
            errln!("{}: ok ({})", dir.display(), render::summary(&diags));
        }
    }
    if failed {
        Exit::Failure
    } else {
        Exit::Success
    }
}
