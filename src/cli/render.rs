//! Rendering of diagnostics and decisions for people and machines.

use std::io::{IsTerminal, Write};

use miette::{GraphicalReportHandler, GraphicalTheme};
use pactum::{Decision, Diagnostic, Policy, Severity, Value};

use super::out::errln;
use super::MessageFormat;

/// `--color`, as the command line gave it: 0 auto, 1 always, 2 never.
static COLOR: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Sets when output is coloured (`--color`), once, before any output.
pub fn set_color(choice: super::ColorChoice) {
    let n = match choice {
        super::ColorChoice::Auto => 0,
        super::ColorChoice::Always => 1,
        super::ColorChoice::Never => 2,
    };
    COLOR.store(n, std::sync::atomic::Ordering::Relaxed);
}

/// Whether colour is wanted on a stream: `--color always`, or (auto) a
/// terminal and no `NO_COLOR`.
pub fn colour(is_terminal: bool) -> bool {
    match COLOR.load(std::sync::atomic::Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Prints diagnostics to standard error (human) or standard output (json
/// for `validate`), as asked.
pub fn diagnostics<'a>(
    diags: impl IntoIterator<Item = &'a Diagnostic>,
    format: MessageFormat,
    json_to_stdout: bool,
) {
    let mut err = super::out::stderr();
    match format {
        MessageFormat::Json => {
            let mut out: Box<dyn Write> = if json_to_stdout {
                Box::new(super::out::stdout())
            } else {
                Box::new(err)
            };
            for d in diags {
                // One write a line: standard error is not buffered, and a
                // JSON value is displayed in many small pieces.
                let mut line = d.to_json().to_string();
                line.push('\n');
                let _ = out.write_all(line.as_bytes());
            }
        }
        MessageFormat::Human => {
            let theme = if colour(std::io::stderr().is_terminal()) {
                GraphicalTheme::unicode()
            } else {
                GraphicalTheme::unicode_nocolor()
            };
            let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
            for d in diags {
                let mut s = String::new();
                if handler.render_report(&mut s, d).is_ok() {
                    let _ = writeln!(err, "{s}");
                }
            }
        }
    }
}

/// One error of a document that was not decided, as its JSON record
/// gives it: `{"code", "message", "line", "column", "facts_path"}` (the
/// line and column in the facts input; the facts path of a facts error
/// about one value, else null).
#[derive(serde::Serialize)]
pub struct ErrorBody<'a> {
    code: Option<&'a str>,
    message: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    facts_path: Option<&'a str>,
}

impl<'a> ErrorBody<'a> {
    /// The body of `d` (all null without one).
    pub fn of(d: Option<&'a Diagnostic>) -> ErrorBody<'a> {
        let (line, column) = d.and_then(Diagnostic::line_col).unzip();
        ErrorBody {
            code: d.map(Diagnostic::code_id),
            message: d.map(Diagnostic::message),
            line,
            column,
            facts_path: d.and_then(Diagnostic::facts_path),
        }
    }
}

/// The errors of a document that was not decided, in its JSON record:
/// `"error"`, the first (as records always gave it), and `"errors"`, every
/// one in document order (the first among them).
#[derive(serde::Serialize)]
pub struct Errors<'a> {
    error: ErrorBody<'a>,
    errors: Vec<ErrorBody<'a>>,
}

impl<'a> Errors<'a> {
    /// The errors of `diagnostics`.
    pub fn of(diagnostics: &'a pactum::Diagnostics) -> Errors<'a> {
        Errors {
            error: ErrorBody::of(diagnostics.first()),
            errors: diagnostics.iter().map(|d| ErrorBody::of(Some(d))).collect(),
        }
    }
}

/// What the human line of a document not decided says of its errors:
/// the first one's code, and how many more there are.
pub fn error_summary(diagnostics: &pactum::Diagnostics) -> String {
    let code = diagnostics.first().map_or("error", Diagnostic::code_id);
    match diagnostics.len() {
        0 | 1 => code.to_string(),
        2 => format!("{code} and 1 more error"),
        n => format!("{code} and {} more errors", n - 1),
    }
}

/// Loads and checks the package at `dir`; on failure prints its
/// diagnostics and a summary line, and gives `None`.
pub fn load_policy(
    dir: &std::path::Path,
    messages: MessageFormat,
    limits: pactum::Limits,
) -> Option<Policy> {
    match super::load_package(dir, limits).check() {
        Ok(p) => Some(p),
        Err(diags) => {
            diagnostics(&diags, messages, false);
            if messages == MessageFormat::Human {
                errln!("{}: check failed ({})", dir.display(), summary(&diags));
            }
            None
        }
    }
}

/// Reports a facts input that cannot be opened or read, as the coded
/// diagnostic the library gives for it (`pactum::facts::io`): the one way
/// every command reports it.
pub fn facts_unreadable(name: &str, error: &std::io::Error, messages: MessageFormat) {
    diagnostics([&pactum::batch::unreadable(name, error)], messages, false);
}

/// A closing summary line such as `2 errors, 1 warning`.
pub fn summary<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> String {
    let (mut e, mut w) = (0, 0);
    for d in diags {
        match d.severity_level() {
            Severity::Error => e += 1,
            Severity::Warning => w += 1,
        }
    }
    let plural = |n: usize, s: &str| format!("{n} {s}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(e, "error"), plural(w, "warning"))
}

/// Styling for standard output: ANSI colours when it is a terminal (and
/// `NO_COLOR` is not set), plain text otherwise. The one styling helper of
/// the command.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    /// Styling as wanted on standard output.
    pub fn stdout() -> Style {
        Style {
            on: colour(std::io::stdout().is_terminal()),
        }
    }

    /// `text` in the SGR style `code` (`1` bold, `31` red, ...).
    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Text that comes from a request (an id, a message built from facts, an
/// output's value) as printed for people: control characters (newlines,
/// carriage returns, terminal escapes) written as escapes, so that a
/// request cannot forge a line such as `x: ALLOW` or recolour the output.
pub fn untrusted(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A readable summary of one decision.
pub fn human(decision: &Decision, policy: &Policy, st: Style) -> String {
    let mut out = String::new();
    let id = match decision.id() {
        Value::Absent => String::from("request"),
        v => untrusted(&v.to_string()).into_owned(),
    };
    let verdict = if decision.is_allowed() {
        st.paint("1;32", "ALLOW")
    } else {
        st.paint("1;31", "DENY")
    };
    out.push_str(&format!("{}: {verdict}\n", st.paint("1", &id)));
    for r in decision.reasons() {
        out.push_str(&format!(
            "  {} {}  {}\n",
            st.paint("31", "✗"),
            st.paint("1", &r.code),
            st.paint("2", &format!("rule {} at {}", r.rule, policy.location(r))),
        ));
        out.push_str(&format!("      {}\n", untrusted(&r.message)));
        if let Some(h) = &r.help {
            let h = untrusted(h);
            out.push_str(&format!("      {} {h}\n", st.paint("36", "help:")));
        }
    }
    for n in decision.notes() {
        out.push_str(&format!(
            "  {} {}  {}\n",
            st.paint("34", "•"),
            st.paint("1", &n.code),
            st.paint("2", &format!("rule {} at {}", n.rule, policy.location(n))),
        ));
        out.push_str(&format!("      {}\n", untrusted(&n.message)));
    }
    let outputs: Vec<(&str, &Value)> = decision.outputs().collect();
    if !outputs.is_empty() {
        out.push_str("  outputs:\n");
        let width = outputs.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (name, v) in outputs {
            let v = untrusted(&v.to_string()).into_owned();
            out.push_str(&format!("    {name:width$} = {v}\n"));
        }
    }
    out
}
