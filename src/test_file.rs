//! Test files: the tests that live beside a package (`pactum test`).
//!
//! A test file `*.test.yaml` holds one test or a list of tests:
//!
//! ```yaml
//! - name: an order over the limit is refused
//!   facts_file: examples/big-order.yaml       # or `facts:` with the facts inline
//!   expect:
//!     decision: deny
//!     reasons: [ORDER_TOO_LARGE]               # exactly these codes
//!     notes_include: []                        # at least these codes
//!     outputs: { total: "0.00" }               # only the outputs listed
//! ```
//!
//! Facts are read by the one facts reader: inline `facts:` straight from the
//! test file (anchors and merge keys reach across the file: `<<: *base`
//! merges the facts anchored `&base` in another test), a `facts_file:` as
//! `pactum evaluate` reads a facts file (YAML, JSON or JSON Lines, streamed
//! by [`crate::batch::Chunks`]), which must hold exactly one document. Their
//! errors are the facts diagnostics, with the line and column of the test
//! file or the facts file. A test file that does not hold tests is one
//! `pactum::test::malformed` diagnostic at the place of the mistake.

use std::cell::RefCell;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::batch::{unreadable, Chunks, DEFAULT_CHUNK_BYTES};
use crate::diag::{codes, Diagnostic, Diagnostics};
use crate::facts::{read_embedded, split, Around, Embedded, Problem};
use crate::package::{Facts, Policy};
use crate::source::{Origin, SourceFile};
use crate::suggest::suggest;

mod expect;

pub use expect::Expect;
use expect::{malformed, ExpectSeed};

/// One test of a test file, its facts read.
#[derive(Debug)]
pub struct TestCase {
    /// What the test is called.
    pub name: String,
    /// The facts it decides: read from the test file (`facts:`) or from
    /// its facts file (`facts_file:`), or the diagnostics of why they
    /// cannot be read (every independent mistake in them).
    pub facts: Result<Facts, Diagnostics>,
    /// What the decision must be.
    pub expect: Expect,
}

/// The help of a test file that cannot be read as one.
const HELP: &str = "a test file holds a test or a list of tests, each a mapping with `name`, `facts` (or `facts_file`) and `expect`; check the indentation, the space after each `:` and the quotes";

/// The keys of a test.
const KEYS: [&str; 4] = ["name", "facts", "facts_file", "expect"];

/// Reads the test file at `path` (its text is `text`) for `policy`: its
/// tests in order, each with its facts read (a `facts_file` is relative to
/// the test file), or the `pactum::test::malformed` diagnostic of the
/// first mistake in the file's shape.
///
/// ```
/// let policy = pactum::Package::from_sources([(
///     "a.policy",
///     "package a\nschema s { n: int }\nrule big { deny BIG when s.n > 9 message \"big\" help \"Less.\" }",
/// )])
/// .check()
/// .unwrap();
/// let text = "- name: small\n  facts: &small { s: { n: 1 } }\n  expect: { decision: allow }\n\
///             - name: big\n  facts: { <<: *small, s: { n: 10 } }\n  expect: { decision: deny }\n";
/// let tests = pactum::test_file::read(&policy, "t.test.yaml".as_ref(), text).unwrap();
/// assert_eq!(tests.len(), 2);
/// assert!(!policy.evaluate(tests[1].facts.as_ref().unwrap()).unwrap().is_allowed());
///
/// let error = pactum::test_file::read(&policy, "t.test.yaml".as_ref(), "- name: x\n  expct: {}\n").unwrap_err();
/// assert_eq!(error.code_id(), "pactum::test::malformed");
/// assert_eq!(error.line_col(), Some((2, 3)));
/// ```
// One diagnostic for a file that is not a test file.
#[allow(clippy::result_large_err)]
pub fn read(policy: &Policy, path: &Path, text: &str) -> Result<Vec<TestCase>, Diagnostic> {
    let file = Arc::new(SourceFile::new(path.display().to_string(), text));
    // A byte-order mark opens the file, not its first key.
    let start = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let problem = RefCell::new(None);
    let around = Around {
        code: codes::TEST_MALFORMED,
        not_a: "not a test file",
        help: HELP,
        problem: &problem,
    };
    let limits = policy.limits();
    let (cases, facts) = read_embedded(
        &policy.program().schema,
        &limits,
        &file,
        start,
        &around,
        |embedded, de| {
            FileSeed(&Reader {
                embedded,
                problem: &problem,
                names: RefCell::default(),
            })
            .deserialize(de)
        },
    )?;
    let mut facts: Vec<Option<_>> = facts.into_iter().map(Some).collect();
    let base = path.parent().unwrap_or(Path::new("."));
    Ok(cases
        .into_iter()
        .map(|case| {
            let facts = match case.facts {
                RawFacts::Inline(i) => match facts.get_mut(i).and_then(Option::take) {
                    Some(read) => {
                        read.map(|v| Facts::from_value(v, policy.program().schema.clone()))
                    }
                    None => Err(Diagnostic::new(
                        codes::TEST_MALFORMED,
                        format!("the facts of the test `{}` were not read", case.name),
                    )
                    .at_file(file.clone(), start, 0, "in this file")
                    .help("report this as a bug of pactum, with the test file")
                    .into()),
                },
                RawFacts::File(f) => facts_file(policy, &base.join(f)),
            };
            TestCase {
                name: case.name,
                facts,
                expect: case.expect,
            }
        })
        .collect())
}

/// Reads a test's facts file as `pactum evaluate` reads a facts file: it
/// must hold exactly one document.
fn facts_file(policy: &Policy, path: &Path) -> Result<Facts, Diagnostics> {
    let name = path.display().to_string();
    // A test decides one request read from a file: a device or a pipe
    // (which may never end) is refused, not waited on.
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => {
            return Err(not_a_facts_file(&name, &"it is not a regular file").into());
        }
        Err(e) => return Err(not_a_facts_file(&name, &e).into()),
        Ok(_) => {}
    }
    let input = std::fs::File::open(path).map_err(|e| not_a_facts_file(&name, &e))?;
    let mut chunks = Chunks::new(input, &name, DEFAULT_CHUNK_BYTES)
        .max_doc_bytes(policy.limits().max_facts_bytes);
    let mut first: Option<Result<Facts, Diagnostics>> = None;
    while let Some(chunk) = chunks.next() {
        let chunk = chunk.map_err(|e| not_a_facts_file(&name, &e))?;
        // The first document, when this chunk holds it.
        let skip = usize::from(first.is_none());
        if chunk.docs() > skip {
            let at = match chunks.format() {
                Some(format) if !chunk.is_oversized() => {
                    split(chunk.text(), format).get(skip).map_or(0, |r| r.start)
                }
                _ => 0,
            };
            let origin = Origin {
                lines: chunk.first_line(),
                bytes: chunk.first_byte(),
                columns: 0,
            };
            let piece = Arc::new(SourceFile::piece(name.as_str(), chunk.text(), origin));
            return Err(Diagnostic::new(
                codes::TEST_FACTS_FILE,
                format!("the facts file {name} holds more than one document; a test decides one request"),
            )
            .at_file(piece, at, 0, "a second document starts here")
            .help("give each request a test of its own: a facts file each, or its facts inline (`facts:`)")
            .windowed((0, 0))
            .into());
        }
        if first.is_none() {
            first = chunk.facts(policy, &name).into_iter().next();
        }
    }
    // An input without any document still gives one, refused as
    // `pactum::facts::empty`: this is only for a reader that gave nothing.
    first.unwrap_or_else(|| Err(not_a_facts_file(&name, &"it holds no document").into()))
}

/// A test's facts file that cannot be read: as `pactum evaluate` says it,
/// with a help for a test (which reads no standard input).
fn not_a_facts_file(name: &str, error: &dyn std::fmt::Display) -> Diagnostic {
    unreadable(name, error).help(
        "give `facts_file` the path of a YAML, JSON or JSON Lines file saved as UTF-8, relative to the test file (or write the facts inline with `facts:`)",
    )
}

/// The state of one reading of a test file.
struct Reader<'a> {
    embedded: &'a Embedded<'a>,
    problem: &'a RefCell<Option<Problem>>,
    /// The names of the tests read so far: two tests of a file may not
    /// share one (their results could not be told apart).
    names: RefCell<std::collections::HashSet<String>>,
}

impl Reader<'_> {
    /// Records `problem` (unless one is recorded) and returns the error
    /// that carries its position to the top.
    fn fail<E: de::Error>(&self, problem: Problem) -> E {
        let mut slot = self.problem.borrow_mut();
        if slot.is_none() {
            *slot = Some(problem);
        }
        E::custom("not a test file")
    }
}

/// Where a test's facts are.
enum RawFacts {
    /// The index of its facts among the facts written in the file.
    Inline(usize),
    /// The path of its facts file, relative to the test file.
    File(String),
}

/// A test as written, its facts not yet looked up.
struct RawCase {
    name: String,
    facts: RawFacts,
    expect: Expect,
}

/// Reads a test file: a test, or a list of tests.
struct FileSeed<'a>(&'a Reader<'a>);

impl<'de> DeserializeSeed<'de> for FileSeed<'_> {
    type Value = Vec<RawCase>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<RawCase>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_> {
    type Value = Vec<RawCase>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a test (a mapping with `name`, `facts` or `facts_file`, and `expect`) or a list of tests")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<RawCase>, A::Error> {
        let mut cases = Vec::new();
        while let Some(case) = seq.next_element_seed(CaseSeed(self.0))? {
            cases.push(case);
        }
        if cases.is_empty() {
            // An empty list is a file that tests nothing, as an empty file.
            return self.visit_unit();
        }
        Ok(cases)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<RawCase>, A::Error> {
        CaseSeed(self.0).visit_map(map).map(|case| vec![case])
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<RawCase>, E> {
        Err(self.0.fail(Problem {
            code: codes::TEST_MALFORMED,
            message: "the test file holds no test".into(),
            label: "no test here".into(),
            help: "write a test (`- name: …`, then `facts:` or `facts_file:`, and `expect:`), or remove the file".into(),
            hint: None,
        }))
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<RawCase>, E> {
        self.visit_unit()
    }
}

/// Reads one test.
struct CaseSeed<'a>(&'a Reader<'a>);

impl<'de> DeserializeSeed<'de> for CaseSeed<'_> {
    type Value = RawCase;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RawCase, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CaseSeed<'_> {
    type Value = RawCase;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a test: a mapping with `name`, `facts` or `facts_file`, and `expect`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawCase, A::Error> {
        let reader = self.0;
        let mut given = [false; 4];
        let (mut name, mut facts, mut expect) = (None, None, None);
        while let Some(key) = map.next_key_seed(KeySeed {
            reader,
            given: &given,
        })? {
            if let Some(g) = given.get_mut(key) {
                *g = true;
            }
            match key {
                0 => {
                    name = Some(map.next_value_seed(NameSeed {
                        reader,
                        key: "name",
                    })?)
                }
                1 => {
                    facts = Some(RawFacts::Inline(
                        map.next_value_seed(reader.embedded.seed())?,
                    ))
                }
                2 => {
                    facts = Some(RawFacts::File(map.next_value_seed(NameSeed {
                        reader,
                        key: "facts_file",
                    })?))
                }
                _ => expect = Some(map.next_value_seed(ExpectSeed(reader))?),
            }
        }
        let Some(name) = name else {
            return Err(reader.fail(missing(
                "a test has no `name`",
                "`name`",
                "add `name:` with what the test shows, such as `name: a large order is refused`",
            )));
        };
        let Some(facts) = facts else {
            return Err(reader.fail(missing(
                &format!("the test `{name}` gives no facts"),
                "`facts` or `facts_file`",
                "add `facts:` with the facts of the request, or `facts_file:` with the path of a facts file (relative to the test file)",
            )));
        };
        let Some(expect) = expect else {
            return Err(reader.fail(missing(
                &format!("the test `{name}` has no `expect`"),
                "`expect`",
                "add `expect:` with what the decision must be, such as `expect: { decision: allow }`",
            )));
        };
        Ok(RawCase {
            name,
            facts,
            expect,
        })
    }
}

/// Reads a text that names something (`name`, `facts_file`): a
/// non-empty text; for a facts file, not `-` (a test reads no standard
/// input).
struct NameSeed<'a> {
    reader: &'a Reader<'a>,
    key: &'static str,
}

impl NameSeed<'_> {
    fn refuse<E: de::Error>(&self, message: &str, label: &str, hint: Option<String>) -> E {
        let key = self.key;
        let help = if key == "facts_file" {
            "give the path of a facts file, relative to the test file, such as `facts_file: examples/request.yaml`, or the facts inline with `facts:`"
        } else {
            "give the test a name that says what it shows, such as `name: a large order is refused`"
        };
        self.reader.fail(malformed(
            format!("`{key}` {message}"),
            label,
            help.into(),
            hint,
        ))
    }
}

impl NameSeed<'_> {
    /// A plain scalar that YAML reads as a number or a boolean: a test's
    /// name as written; a path must be quoted, so that no file is looked up
    /// under a name the author did not write.
    fn plain<E: de::Error>(&self, text: String) -> Result<String, E> {
        if self.key == "name" {
            return self.named(text);
        }
        Err(self.refuse("is not a text: quote it", "not a text", Some(text)))
    }
}

impl NameSeed<'_> {
    /// `text`, when it is a path or the name of no earlier test of the file.
    fn named<E: de::Error>(&self, text: String) -> Result<String, E> {
        if self.key != "name" || self.reader.names.borrow_mut().insert(text.clone()) {
            return Ok(text);
        }
        Err(self.reader.fail(malformed(
            format!("two tests of this file are named `{text}`"),
            "named again here",
            "give each test a name of its own, so that its result can be told apart".into(),
            Some(text),
        )))
    }
}

impl<'de> DeserializeSeed<'de> for NameSeed<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NameSeed<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a text")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        if v.trim().is_empty() {
            return Err(self.refuse("is empty", "empty", Some(v.to_string())));
        }
        if self.key == "facts_file" && v == "-" {
            return Err(self.refuse(
                "is `-`: a test reads no standard input",
                "not a file",
                Some(v.to_string()),
            ));
        }
        self.named(v.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Err(self.refuse("has no value", "no value", None))
    }

    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        self.visit_unit()
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        self.plain(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        self.plain(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        self.plain(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<String, E> {
        Err(self.refuse("is not a text: quote it", "not a text", None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(self.refuse("is a list, not a text", "not a text", None))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(self.refuse("is a mapping, not a text", "not a text", None))
    }
}

/// A test without one of its keys.
fn missing(message: &str, what: &str, help: &str) -> Problem {
    Problem {
        code: codes::TEST_MALFORMED,
        message: message.to_string(),
        label: format!("this test has no {what}"),
        help: help.to_string(),
        hint: None,
    }
}

/// Reads a key of a test: the index of the key in [`KEYS`].
struct KeySeed<'a> {
    reader: &'a Reader<'a>,
    given: &'a [bool; 4],
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("one of `name`, `facts`, `facts_file`, `expect`")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        let Some(i) = KEYS.iter().position(|k| *k == key) else {
            let help = match suggest(key, KEYS) {
                Some(near) => format!("did you mean `{near}`? A test has `name`, `facts` or `facts_file`, and `expect`"),
                None => "a test has `name`, `facts` or `facts_file`, and `expect`".to_string(),
            };
            return Err(self.reader.fail(Problem {
                code: codes::TEST_MALFORMED,
                message: format!("unknown key `{key}` in a test"),
                label: "unknown key".into(),
                help,
                hint: Some(key.to_string()),
            }));
        };
        if self.given.get(i).copied().unwrap_or(false) {
            return Err(self.reader.fail(Problem {
                code: codes::TEST_MALFORMED,
                message: format!("the key `{key}` is given twice in a test"),
                label: "given again here".into(),
                help: format!("keep only one `{key}` entry"),
                hint: Some(key.to_string()),
            }));
        }
        let other = match i {
            1 => self.given.get(2),
            2 => self.given.get(1),
            _ => None,
        };
        if other.copied().unwrap_or(false) {
            return Err(self.reader.fail(Problem {
                code: codes::TEST_MALFORMED,
                message: "a test gives both `facts` and `facts_file`".into(),
                label: "a second source of facts".into(),
                help: "give the facts inline (`facts:`) or in a file (`facts_file:`), not both"
                    .into(),
                hint: Some(key.to_string()),
            }));
        }
        Ok(i)
    }
}
