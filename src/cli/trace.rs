//! `pactum evaluate --explain`: every rule, whether it fired, and the values
//! of its condition's sub-expressions, as a tree under the rule.

use std::io::{IsTerminal, Write};

use pactum::{ExplainNode, Explanation, Policy, Value};

use super::{render, Exit, Format, MessageFormat};

/// Evaluates every document of `input` with explanations, as it is read.
pub fn run(
    policy: &Policy,
    name: &str,
    input: impl std::io::Read,
    format: Format,
    messages: MessageFormat,
) -> Exit {
    let colour = render::colour(std::io::stdout().is_terminal());
    let mut out = std::io::BufWriter::new(super::out::stdout());
    let mut exit = Exit::Success;
    for chunk in super::facts_chunks(name, input) {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                let _ = out.flush();
                super::facts_read_failed(name, &e);
                return Exit::Failure;
            }
        };
        if document(policy, name, &chunk, format, messages, colour, &mut out) == Exit::Failure {
            exit = Exit::Failure;
        }
        let _ = out.flush();
    }
    let _ = out.flush();
    exit
}

/// Explains the documents of one chunk.
fn document(
    policy: &Policy,
    name: &str,
    chunk: &pactum::batch::Chunk,
    format: Format,
    messages: MessageFormat,
    colour: bool,
    out: &mut impl Write,
) -> Exit {
    let mut exit = Exit::Success;
    for (j, doc) in chunk.facts(policy, name).into_iter().enumerate() {
        let i = chunk.first_doc() + j;
        let result = doc.map_err(|d| vec![d]).and_then(|facts| {
            policy
                .explain(&facts)
                .map_err(|ds| ds.into_iter().collect())
        });
        match result {
            Ok((decision, why)) => {
                let _ = match format {
                    Format::Json => {
                        // The envelope, in its order, with `explain` last.
                        let envelope = serde_json::to_string(&decision).unwrap_or_default();
                        let rules = serde_json::to_string(&why.rules).unwrap_or_default();
                        let body = envelope.strip_suffix('}').unwrap_or(&envelope);
                        writeln!(out, "{body},\"explain\":{rules}}}")
                    }
                    Format::Human => {
                        let head = render::human(&decision, policy, colour);
                        writeln!(out, "{head}{}", tree(&why, colour))
                    }
                };
            }
            Err(diags) => {
                exit = Exit::Failure;
                let _ = out.flush();
                render::diagnostics(&diags, messages, false);
                // The same record as `evaluate` writes: JSON under
                // `--format json`, so the stream stays JSON Lines.
                let record =
                    super::evaluate::failure_record(&Value::Absent, i, diags.first(), format);
                let _ = writeln!(out, "{record}");
            }
        }
    }
    exit
}

fn paint(on: bool, code: &str, text: &str) -> String {
    if on {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// The explanation as indented trees, one per rule.
pub fn tree(why: &Explanation, colour: bool) -> String {
    let mut s = String::from("  explanation:\n");
    for r in &why.rules {
        let mark = if r.fired {
            paint(colour, "1", "fired")
        } else {
            paint(colour, "2", "did not fire")
        };
        s.push_str(&format!(
            "    {} {} ({}) at {}: {mark}\n",
            r.effect, r.code, r.rule, r.location
        ));
        for c in &r.conditions {
            node(&mut s, c, "      ", "", colour);
        }
    }
    s
}

fn node(s: &mut String, n: &ExplainNode, indent: &str, branch: &str, colour: bool) {
    let value = match &n.value {
        Value::Bool(true) => paint(colour, "32", "true"),
        Value::Bool(false) => paint(colour, "31", "false"),
        v => v.to_string(),
    };
    s.push_str(&format!("{indent}{branch}{}  = {value}\n", n.expr));
    let child_indent = format!(
        "{indent}{}",
        match branch {
            "" => "",
            "└─ " => "   ",
            _ => "│  ",
        }
    );
    let last = n.children.len().saturating_sub(1);
    for (i, c) in n.children.iter().enumerate() {
        node(
            s,
            c,
            &child_indent,
            if i == last { "└─ " } else { "├─ " },
            colour,
        );
    }
}
