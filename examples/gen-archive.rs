//! Generate a synthetic archive of debt-collection calls as JSONL, for benchmarks and load tests.
//!
//! ```text
//! cargo run --release --example gen-archive -- N [SEED] > archive.jsonl
//! ```
//!
//! Calls are assembled from phrase templates below: openings, identification and mini-Miranda (sometimes
//! missing), verification, customer situations (hardship, illness, bereavement, disputes, cease and attorney
//! requests, anger), agent replies good and bad (empathy, options, pressure, threats, misleading claims,
//! negated threats), and small talk that matches nothing, in varying proportions. Metadata (agent, team, account,
//! started_at with a US offset, direction, outcome) is varied so `summary --group-by team --contact` has
//! something to find. The same N and SEED always give the same bytes; nothing is read from outside.

use std::io::{self, BufWriter, Write};

/// SplitMix64: tiny, fast, and good enough to vary synthetic text deterministically.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const NAMES: &[&str] = &["Sam", "Alex", "Jordan", "Priya", "Marcus", "Lena", "Tom", "Grace", "Diego", "Aisha"];
const FIRMS: &[&str] = &["Northfield Recovery", "Crestline Collections", "Harbor Credit Services", "Summit Accounts"];
const CUSTOMERS: &[&str] = &["Ms. Rivera", "Mr. Chen", "Mrs. Okafor", "Mr. Walsh", "Ms. Novak", "Mr. Haddad"];
const TEAMS: &[&str] = &["north", "south", "east", "west", "nights"];
const OFFSETS: &[&str] = &["-05:00", "-06:00", "-07:00", "-08:00", "-04:00"];
const OUTCOMES: &[&str] = &["conversation", "conversation", "conversation", "voicemail", "no-answer", "promise-to-pay"];

const OPENINGS: &[&str] = &[
    "Good morning, this is {agent} calling from {firm}.",
    "Hi there, my name is {agent} and I'm calling from {firm}.",
    "Hello, {agent} here with {firm}, thanks for picking up.",
    "Good afternoon, you're speaking with {agent} at {firm}.",
];
const MINI_MIRANDA: &[&str] = &[
    "This is an attempt to collect a debt and any information obtained will be used for that purpose.",
    "I'm a debt collector, this is an attempt to collect a debt, and anything you tell me will be used for that purpose.",
    "Just so you know, this call is from a debt collector and it is an attempt to collect a debt.",
];
const VERIFY: &[&str] = &[
    "Before we go on, can you confirm your date of birth and the first line of your address?",
    "For security, could you please confirm your full name and postcode?",
    "Can I just check I'm speaking with {customer}? Could you confirm your date of birth for me?",
];
const CUSTOMER_SITUATIONS: &[&str] = &[
    "I lost my job last month and I'm really struggling to keep up with everything.",
    "I've been in hospital for the last few weeks and I'm still not well.",
    "My husband passed away in March and I'm trying to sort out his affairs.",
    "Honestly I'm so stressed about this, I can't sleep.",
    "I don't think I owe this, I already paid it off last year.",
    "Please stop calling me, I want all contact in writing.",
    "I have a lawyer now, you need to talk to my attorney.",
    "Can you send me something in writing that shows what this debt is for?",
    "This is ridiculous, you people keep calling me at work.",
    "I'm on benefits at the moment, money is really tight.",
    "I'm not sure I understand what this is about, can you explain?",
    "Your colleague told me last week that I'd be arrested if I didn't pay.",
    "Okay, what are my options here?",
    "I can probably pay something at the end of the month.",
];
const AGENT_GOOD: &[&str] = &[
    "I'm so sorry to hear that, thank you for telling me.",
    "That sounds really difficult, and there's no rush with any of this today.",
    "We can set up a payment plan that fits what you can afford.",
    "Let's go through your income and outgoings so we know what is manageable.",
    "You might find it helpful to speak to a free debt advice service such as StepChange.",
    "We can put the account on hold for 30 days while you sort things out.",
    "You have the right to dispute this debt, and I can send the validation notice in writing.",
    "Nobody is going to arrest you, that is not something that can happen over a debt like this.",
    "Thank you for your patience, I really appreciate you taking the time.",
    "So to recap, we agreed 50 dollars a month starting on the first, and I'll send that to you in writing.",
];
const AGENT_BAD: &[&str] = &[
    "If you don't pay today we will take you to court.",
    "You need to pay the full balance today, there's no other option.",
    "We could have you arrested for not paying this.",
    "This will go on your credit report for ten years if you don't pay right now.",
    "I don't care about your situation, the debt still needs paying.",
    "You should be ashamed of yourself for not paying your bills.",
    "We'll contact your employer about this.",
    "I understand, but you need to pay the full amount by Friday.",
    "This is your final warning before we send it to our legal department.",
    "Stop making excuses and just pay it.",
];
const AGENT_NEUTRAL: &[&str] = &[
    "The balance on the account is {amount} dollars.",
    "Let me just pull up the account details, one moment.",
    "I can see the last payment was received in January.",
    "Okay, I've made a note of that on the account.",
    "Is this still the best number to reach you on?",
    "The original creditor was a credit card company.",
    "Mm-hmm, okay.",
];
const CUSTOMER_NEUTRAL: &[&str] = &[
    "Okay.",
    "Yes, that's right.",
    "It's the same address as before.",
    "Sure, go ahead.",
    "I see. And how much is it exactly?",
    "Right, I didn't realise it was that much.",
    "Can you hold on a second?",
    "Fine, what happens next?",
];
const CLOSINGS: &[&str] = &[
    "Thanks for your time today, take care.",
    "I'll send all of that to you in writing. Have a good day.",
    "Thank you, goodbye.",
    "Alright, we'll be in touch.",
];

fn fill(t: &str, agent: &str, firm: &str, customer: &str, rng: &mut Rng) -> String {
    t.replace("{agent}", agent)
        .replace("{firm}", firm)
        .replace("{customer}", customer)
        .replace("{amount}", &format!("{},{:03}", 1 + rng.below(9), rng.below(1000)))
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let out = io::stdout();
    let mut w = BufWriter::with_capacity(1 << 20, out.lock());
    write_archive(&mut w, n, seed)?;
    w.flush()
}

/// Write `n` calls generated from `seed` as JSONL (also used by the benchmarks).
pub fn write_archive(w: &mut dyn Write, n: u64, seed: u64) -> io::Result<()> {
    let mut rng = Rng(seed);
    // 2026-03-02T00:00:00Z; calls spread over about three months.
    let epoch0: i64 = 1_772_409_600;
    for i in 0..n {
        let agent_no = rng.below(40);
        let agent = NAMES[agent_no % NAMES.len()];
        let firm = FIRMS[agent_no % FIRMS.len()];
        let customer = rng.pick(CUSTOMERS);
        // Agents differ: some lean on pressure, most do not, so per-agent summaries have a spread.
        let harsh = (agent_no * 7) % 10;
        let mut turns: Vec<(&str, String)> = Vec::new();
        turns.push(("agent", fill(rng.pick(OPENINGS), agent, firm, customer, &mut rng)));
        if rng.chance(85) {
            turns.push(("agent", fill(rng.pick(MINI_MIRANDA), agent, firm, customer, &mut rng)));
        }
        turns.push(("customer", rng.pick(CUSTOMER_NEUTRAL).to_owned()));
        if rng.chance(80) {
            turns.push(("agent", fill(rng.pick(VERIFY), agent, firm, customer, &mut rng)));
            turns.push(("customer", rng.pick(CUSTOMER_NEUTRAL).to_owned()));
        }
        let exchanges = 3 + rng.below(14);
        for _ in 0..exchanges {
            let c = if rng.chance(45) { rng.pick(CUSTOMER_SITUATIONS) } else { rng.pick(CUSTOMER_NEUTRAL) };
            turns.push(("customer", c.to_owned()));
            let mut reply = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let pool = match rng.below(10) {
                    x if x < harsh / 3 => AGENT_BAD,
                    x if x < 5 => AGENT_GOOD,
                    _ => AGENT_NEUTRAL,
                };
                reply.push(fill(rng.pick(pool), agent, firm, customer, &mut rng));
            }
            turns.push(("agent", reply.join(" ")));
        }
        turns.push(("agent", rng.pick(CLOSINGS).to_owned()));
        let account = format!("ACC-{:05}", rng.below((n as usize / 6).max(1)));
        let offset = OFFSETS[rng.below(OFFSETS.len())];
        // Mostly business hours local time, a few early or late.
        let local_hour = if rng.chance(4) { [6, 7, 21, 22][rng.below(4)] } else { 8 + rng.below(13) as i64 };
        let day = rng.below(90) as i64;
        let t = epoch0 + day * 86_400 + local_hour * 3600 + rng.below(3600) as i64;
        let (y, mo, d) = civil(t.div_euclid(86_400));
        let secs = t.rem_euclid(86_400);
        let started =
            format!("{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}{offset}", secs / 3600, secs / 60 % 60, secs % 60);
        let direction = if rng.chance(15) { "inbound" } else { "outbound" };
        let outcome = rng.pick(OUTCOMES);
        write!(
            w,
            "{{\"id\":\"call-{i:08}\",\"agent_id\":\"A{agent_no:02}\",\"team\":\"{}\",\"account_id\":\"{account}\",\
             \"started_at\":\"{started}\",\"direction\":\"{direction}\",\"outcome\":\"{outcome}\",\"turns\":[",
            TEAMS[agent_no % TEAMS.len()]
        )?;
        let mut ms = 0u64;
        for (k, (who, text)) in turns.iter().enumerate() {
            let dur = 800 + 60 * text.len() as u64;
            if k > 0 {
                w.write_all(b",")?;
            }
            write!(
                w,
                "{{\"speaker\":\"{who}\",\"text\":{},\"start_ms\":{ms},\"end_ms\":{}}}",
                json_str(text),
                ms + dur
            )?;
            ms += dur + 300;
        }
        w.write_all(b"]}\n")?;
    }
    Ok(())
}

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}
