//! `pactum evaluate --explain`, for people: every rule, whether it fired,
//! and the values of its condition's sub-expressions, as a tree under the
//! rule.

use pactum::{ExplainNode, Explanation, Value};

use super::render::{untrusted, Style};

/// The explanation as indented trees, one per rule.
pub fn tree(why: &Explanation, st: Style) -> String {
    if why.is_omitted() {
        return String::from(
            "  explanation: left off (it would be larger than the output limit, --max-output-bytes)\n",
        );
    }
    let mut s = String::from("  explanation:\n");
    for r in &why.rules() {
        let mark = if r.fired {
            st.paint("1", "fired")
        } else {
            st.paint("2", "did not fire")
        };
        s.push_str(&format!(
            "    {} {} ({}) at {}: {mark}\n",
            r.effect, r.code, r.rule, r.location
        ));
        for c in &r.conditions {
            node(&mut s, c, "      ", "", st);
        }
    }
    s
}

fn node(s: &mut String, n: &ExplainNode, indent: &str, branch: &str, st: Style) {
    let value = match &n.value {
        Value::Bool(true) => st.paint("32", "true"),
        Value::Bool(false) => st.paint("31", "false"),
        // A value from the request: its control characters escaped.
        v => untrusted(&v.to_string()).into_owned(),
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
            st,
        );
    }
}
