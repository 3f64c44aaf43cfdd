//! Criterion benches of the pure-Rust string cores (no Python needed):
//! `cargo bench -p covet-core --bench strings`.
//!
//! The inputs are those of `python/covet_rust_core/bench/strings_workloads.py`: the same
//! literals, and the same 10 KB texts, made by the same SplitMix64 generator step for step
//! (checked against the Python side's length and FNV-1a hash before anything runs). What is
//! left out here is the binding's share: reading the `str`, building the result object.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use covet_core::strings::escape::escape_html;
use covet_core::strings::filename::secure_filename;
use covet_core::strings::replace::Replacer;
use covet_core::strings::slug::{slugify, SlugOptions};
use covet_core::strings::translit::transliterate;

// Inputs: keep in step with python/covet_rust_core/bench/strings_workloads.py.

const VOCABULARY: &str = "the of and to in is that for it as was with be by on not he this are \
    or his from at which but have an they you were her she there been one all we their has \
    would when if so no will more can said about up out them some could time into only other \
    new than then now also after first two may over very well where most should through \
    people our any these how because just each such before those here between both under \
    while last never little same another know state good still year make work way system \
    number part order report account server request page user data value team release \
    update feature support review change result question answer problem example project \
    version";
const ACCENTED: &[&str] = &[
    "café", "naïve", "déjà", "über", "Müller", "façade", "Zoë", "résumé", "Köln",
];
const HTML_FRAGMENTS: &[&str] = &[
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<p>",
    "</p>",
    "<br>",
    "<code>",
    "</code>",
    "<a href=\"https://example.com/search?q=rust&page=2\">",
    "</a>",
    "R&D",
    "Q&A",
    "x < y",
    "a > b",
    "it's",
    "don't",
    "\"quoted\"",
    "&amp;",
    "&nbsp;",
];
const ENDINGS: &[&str] = &[".", ".", ".", "?", "!"];
const SPELLINGS: &[(&str, &str)] = &[
    ("colour", "color"),
    ("colours", "colors"),
    ("favour", "favor"),
    ("favourite", "favorite"),
    ("honour", "honor"),
    ("neighbour", "neighbor"),
    ("organise", "organize"),
    ("organisation", "organization"),
    ("realise", "realize"),
    ("recognise", "recognize"),
    ("analyse", "analyze"),
    ("centre", "center"),
    ("theatre", "theater"),
    ("metre", "meter"),
    ("licence", "license"),
    ("defence", "defense"),
    ("travelling", "traveling"),
    ("cancelled", "canceled"),
    ("catalogue", "catalog"),
    ("programme", "program"),
];
const PLACEHOLDERS: &[(&str, &str)] = &[
    ("{{first_name}}", "Zoë"),
    ("{{last_name}}", "Müller"),
    ("{{order_id}}", "48213"),
    ("{{order_date}}", "14 May 2024"),
    ("{{total}}", "CHF 77.44"),
    ("{{currency}}", "CHF"),
    ("{{shipping_method}}", "Express"),
    ("{{tracking_number}}", "1Z999AA10123456784"),
    ("{{delivery_date}}", "16 May 2024"),
    ("{{store_name}}", "Covet Coffee"),
    ("{{support_email}}", "support@example.com"),
    ("{{support_phone}}", "+41 44 668 18 00"),
    ("{{unsubscribe_url}}", "https://example.com/u/8f14e45f"),
    ("{{account_url}}", "https://example.com/account"),
    ("{{coupon_code}}", "SPRING24"),
    ("{{discount}}", "15%"),
    ("{{item_count}}", "4"),
    ("{{city}}", "Zürich"),
    ("{{country}}", "Switzerland"),
    ("{{year}}", "2024"),
];
const KB10: usize = 10_240;
const HTML_SEED: u64 = 1;
const CLEAN_SEED: u64 = 2;
const WORDS_SEED: u64 = 3;
const PLACEHOLDERS_SEED: u64 = 4;

const SHORT_HTML: &str = "Q&A: \"Why is <covet> so fast?\" asked by O'Neill.";
const UNICODE_TITLE: &str = "Über die Straße: Crème brûlée à Zürich — Москва в 2024 году!";
const ASCII_TITLE: &str = "How to Build a Fast REST API with Python & Rust: Part 2 of 3";
const UPLOAD_NAME: &str = "../../Uploads/Photos été 2024/IMG_2041 (copie) – Zoë’s café.JPEG";

/// The Python side's UTF-8 length and FNV-1a 64 hash of each text, by seed.
const TEXT_CHECKS: &[(u64, usize, u64)] = &[
    (HTML_SEED, 10_249, 0xf5e3_7ea4_e852_28bb),
    (CLEAN_SEED, 10_256, 0xe616_fad4_b890_b9c8),
    (WORDS_SEED, 10_251, 0x089b_78b6_221f_b88f),
    (PLACEHOLDERS_SEED, 10_254, 0x02a3_7f12_a2c8_7820),
];

/// splitmix64, as `SplitMix64` in strings_workloads.py.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("below n")
    }

    #[allow(clippy::cast_precision_loss)] // 53 bits: exact, as in Python
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64) * (-53f64).exp2() < p
    }

    fn choice<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// `prose()` of strings_workloads.py: `length` characters of sentences.
fn prose(seed: u64, length: usize, fragments: &[&str], fragment_share: f64) -> String {
    let words: Vec<&str> = VOCABULARY.split_whitespace().collect();
    let mut rng = SplitMix64(seed);
    let mut parts: Vec<String> = Vec::new();
    let mut total = 0;
    let mut sentence_left = 0;
    while total < length {
        let mut token = if sentence_left == 0 {
            sentence_left = 8 + rng.below(13);
            let word = rng.choice(&words);
            word[..1].to_ascii_uppercase() + &word[1..]
        } else if !fragments.is_empty() && rng.chance(fragment_share) {
            rng.choice(fragments).to_owned()
        } else if rng.chance(0.006) {
            rng.choice(ACCENTED).to_owned()
        } else {
            rng.choice(&words).to_owned()
        };
        sentence_left -= 1;
        if sentence_left == 0 {
            token.push_str(rng.choice(ENDINGS));
            if rng.chance(0.15) {
                token.push_str("\n\n");
            }
        } else if rng.chance(0.08) {
            token.push(',');
        }
        total += token.chars().count() + 1;
        parts.push(token);
    }
    parts.join(" ").chars().take(length).collect()
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The text of `seed`, checked against the Python side's.
fn text(seed: u64, fragments: &[&str], fragment_share: f64) -> String {
    let text = prose(seed, KB10, fragments, fragment_share);
    let &(_, length, hash) = TEXT_CHECKS
        .iter()
        .find(|check| check.0 == seed)
        .expect("a check per seed");
    assert_eq!(
        (text.len(), fnv1a(text.as_bytes())),
        (length, hash),
        "text {seed} differs from python/covet_rust_core/bench/strings_workloads.py's"
    );
    text
}

fn html_text() -> String {
    text(HTML_SEED, HTML_FRAGMENTS, 0.16)
}

fn clean_text() -> String {
    text(CLEAN_SEED, &[], 0.0)
}

/// The text of `seed` with ~2% of its words patterns of `mapping`.
fn replace_text(seed: u64, mapping: &[(&str, &str)]) -> String {
    let patterns: Vec<&str> = mapping.iter().map(|&(pattern, _)| pattern).collect();
    text(seed, &patterns, 0.02)
}

fn escape(c: &mut Criterion) {
    let mut group = c.benchmark_group("escape_html");
    let short = SHORT_HTML.to_owned();
    assert_eq!(short.len(), 48);
    for (name, input) in [
        ("10KB", html_text()),
        ("10KB-clean", clean_text()),
        ("48B", short),
    ] {
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &input, |b, input| {
            b.iter(|| escape_html(black_box(input)));
        });
    }
    group.finish();
}

fn slugs(c: &mut Criterion) {
    let options = SlugOptions::default();
    let mut group = c.benchmark_group("slugify");
    for (name, title) in [("unicode", UNICODE_TITLE), ("ascii", ASCII_TITLE)] {
        assert_eq!(title.chars().count(), 60);
        group.bench_with_input(BenchmarkId::from_parameter(name), title, |b, title| {
            b.iter(|| slugify(black_box(title), &options));
        });
    }
    group.finish();
    c.bench_function("transliterate/unicode", |b| {
        b.iter(|| transliterate(black_box(UNICODE_TITLE)));
    });
}

fn replace(c: &mut Criterion) {
    let mut group = c.benchmark_group("multi_replace");
    for (name, seed, mapping) in [
        ("words", WORDS_SEED, SPELLINGS),
        ("placeholders", PLACEHOLDERS_SEED, PLACEHOLDERS),
    ] {
        let input = replace_text(seed, mapping);
        group.throughput(Throughput::Bytes(input.len() as u64));
        let replacer = Replacer::new(mapping).expect("valid patterns");
        assert_eq!(replacer.len(), 20);
        group.bench_with_input(BenchmarkId::new("prepared", name), &input, |b, input| {
            b.iter(|| replacer.replace(black_box(input)));
        });
        // multi_replace(text, mapping): the automaton built on every call.
        group.bench_with_input(BenchmarkId::new("per-call", name), &input, |b, input| {
            b.iter(|| {
                let replacer = Replacer::new(black_box(mapping)).expect("valid");
                replacer.replace(black_box(input)).map(|out| out.len())
            });
        });
    }
    group.finish();
}

fn filename(c: &mut Criterion) {
    c.bench_function("secure_filename", |b| {
        b.iter(|| secure_filename(black_box(UPLOAD_NAME), false));
    });
}

criterion_group!(benches, escape, slugs, replace, filename);
criterion_main!(benches);
