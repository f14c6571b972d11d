//! docs/SCORING.md states the rubric; this test keeps it and src/score.rs in step.

use callcoach::finding::{Category, Severity};
use callcoach::score::{cap, credit_value, deduction, Subscore};

#[test]
fn scoring_doc_matches_the_code() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/SCORING.md")).expect("read doc");
    for s in Subscore::ALL {
        let row = format!("| {} | {} |", s.as_str(), s.base());
        assert!(doc.contains(&row), "SCORING.md says {} starts at {}", s.as_str(), s.base());
        let w = format!("| {} | {}% |", s.as_str(), s.weight());
        assert!(doc.contains(&w), "SCORING.md gives {} weight {}%", s.as_str(), s.weight());
    }
    for sev in [Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical] {
        assert!(doc.contains(&format!("| {} | {} |", sev.as_str(), deduction(sev))), "deduction for {sev}");
    }
    assert_eq!(cap(Severity::Critical), Some(40));
    assert_eq!(cap(Severity::High), Some(70));
    assert!(doc.contains("at **40**") && doc.contains("at **70**"));
    let (s, p, max) = credit_value(Category::Courtesy).expect("courtesy scores");
    assert!(doc.contains(&format!("| courtesy | {} | {p} | {max} |", s.as_str())));
    let (s, p, max) = credit_value(Category::Empathy).expect("empathy scores");
    assert!(doc.contains(&format!("| empathy | {} | {p} | {max} |", s.as_str())));
}
