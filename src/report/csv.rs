//! The CSV report (`--format csv`): one row per call, for spreadsheets and BI tools.
//!
//! RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a comma, quote, CR or LF, quotes
//! doubled. Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) are
//! prefixed with a single quote, because call ids, agent ids and file names come from outside and a QA lead
//! opens this file in Excel (OWASP "CSV injection").

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::Report;
use crate::finding::{Category, Kind};
use crate::score::Subscore;

/// How many rule codes the `top_rules` column lists.
pub const TOP_RULES: usize = 5;

/// The header row's column names, in order.
pub fn header() -> Vec<&'static str> {
    let mut h = vec!["id", "source", "agent_id", "account_id", "profile", "turns", "overall"];
    h.extend(Subscore::ALL.iter().map(|s| s.as_str()));
    h.extend(["findings", "cues", "credits"]);
    h.extend(finding_categories().map(Category::as_str));
    h.push("top_rules");
    h
}

fn finding_categories() -> impl Iterator<Item = Category> {
    Category::ALL.iter().copied().filter(|c| c.kind() == Kind::Finding)
}

/// Write the header row.
///
/// # Errors
/// Writing failed.
pub fn write_header(w: &mut dyn Write) -> io::Result<()> {
    write_row(w, header().iter().map(|s| (*s).to_owned()))
}

/// Write one call's row.
///
/// # Errors
/// Writing failed.
pub fn write(w: &mut dyn Write, r: &Report<'_>) -> io::Result<()> {
    let a = r.analysis;
    let c = r.call;
    let counted: Vec<_> = a.findings.iter().filter(|f| !f.accepted).collect();
    let mut row = vec![
        c.id.clone(),
        c.source.as_ref().map(ToString::to_string).unwrap_or_default(),
        c.agent_id.clone().unwrap_or_default(),
        c.account_id.clone().unwrap_or_default(),
        a.profile.clone(),
        c.turns.len().to_string(),
        a.score.overall.to_string(),
    ];
    row.extend(Subscore::ALL.iter().map(|s| a.score.get(*s).to_string()));
    row.extend([counted.len().to_string(), a.cues.len().to_string(), a.credits.len().to_string()]);
    row.extend(finding_categories().map(|cat| counted.iter().filter(|f| f.category == cat).count().to_string()));
    let mut per_code: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &counted {
        *per_code.entry(f.code).or_default() += 1;
    }
    let mut top: Vec<(&str, usize)> = per_code.into_iter().collect();
    // Most frequent first; the code breaks ties so the column is deterministic.
    top.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    let top: Vec<String> =
        top.iter().take(TOP_RULES).map(|(c, n)| if *n > 1 { format!("{c} x{n}") } else { (*c).to_owned() }).collect();
    row.push(top.join(" "));
    write_row(w, row)
}

/// Write one RFC 4180 row, each cell made safe with [`cell`].
///
/// # Errors
/// Writing failed.
pub fn write_row(w: &mut dyn Write, cells: impl IntoIterator<Item = String>) -> io::Result<()> {
    let mut line = String::new();
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push_str(&cell(&c));
    }
    line.push_str("\r\n");
    w.write_all(line.as_bytes())
}

/// One cell: formula-like text defused with a leading `'`, then quoted when RFC 4180 requires it.
pub fn cell(s: &str) -> String {
    let defused;
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        defused = format!("'{s}");
        defused.as_str()
    } else {
        s
    };
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn quoting_and_formula_guard() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell(""), "");
    }
}
