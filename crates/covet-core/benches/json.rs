//! Criterion benches of the pure-Rust JSON core (no Python needed):
//! `cargo bench -p covet-core --bench json`.
//!
//! `parse`: the strict parser on the benchmark documents with a sink that only counts (the
//! floor under `loads`, whose remaining cost is building Python objects). `write`: string
//! escaping and float layout, the two text pieces `dumps` spends most of its own time in.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use covet_core::json::parse::{parse, Encoding, Sink, SinkError, Text};
use covet_core::json::text::write_utf8;
use covet_core::json::write::write_f64;

/// Counts values; validates non-ASCII text as the Python sink's decoder would.
#[derive(Default)]
struct Count(usize);

impl Sink for Count {
    fn null(&mut self) -> Result<(), SinkError> {
        self.0 += 1;
        Ok(())
    }
    fn boolean(&mut self, _: bool) -> Result<(), SinkError> {
        self.0 += 1;
        Ok(())
    }
    fn int(&mut self, _: i64) -> Result<(), SinkError> {
        self.0 += 1;
        Ok(())
    }
    fn big_int(&mut self, _: &str) -> Result<(), SinkError> {
        self.0 += 1;
        Ok(())
    }
    fn float(&mut self, _: f64) -> Result<(), SinkError> {
        self.0 += 1;
        Ok(())
    }
    fn string(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError> {
        if text == Text::Utf8 {
            std::str::from_utf8(bytes).map_err(|_| SinkError)?;
        }
        self.0 += 1;
        Ok(())
    }
    fn key(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError> {
        self.string(bytes, text)
    }
    fn end_array(&mut self, _: usize) -> Result<(), SinkError> {
        self.0 += 1;
        Ok(())
    }
    fn end_object(&mut self, _: usize) -> Result<(), SinkError> {
        self.0 += 1;
        Ok(())
    }
}

fn documents() -> Vec<(&'static str, Vec<u8>)> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches/data");
    ["twitter", "citm_catalog", "canada"]
        .into_iter()
        .map(|name| {
            (
                name,
                std::fs::read(data.join(format!("{name}.json"))).expect("benches/data"),
            )
        })
        .collect()
}

fn parse_documents(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.sample_size(30);
    for (name, document) in documents() {
        group.throughput(Throughput::Bytes(document.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(name),
            &document,
            |b, document| {
                b.iter(|| {
                    let mut sink = Count::default();
                    parse(black_box(document), Encoding::Unchecked, &mut sink)
                        .expect("valid document");
                    sink.0
                });
            },
        );
    }
    group.finish();
}

fn write_pieces(c: &mut Criterion) {
    let mut group = c.benchmark_group("write");
    let text = "A tweet-sized text with a \"quote\", a newline\nand some é accents. ".repeat(3);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("str_200B", |b| {
        let mut out = Vec::with_capacity(1024);
        b.iter(|| {
            out.clear();
            write_utf8(&mut out, black_box(text.as_bytes())).expect("Vec grows");
        });
    });
    // Short strings (dict keys) end inside the last 16-byte block: the scan's tail path.
    let keys = [
        "id",
        "name",
        "text",
        "user",
        "lang",
        "created_at",
        "favorited",
        "retweet_count",
    ];
    group.throughput(Throughput::Elements(keys.len() as u64));
    group.bench_function("str_keys_x8", |b| {
        let mut out = Vec::with_capacity(1024);
        b.iter(|| {
            out.clear();
            for key in black_box(&keys) {
                write_utf8(&mut out, key.as_bytes()).expect("Vec grows");
            }
        });
    });
    let floats: Vec<f64> = (0..1000)
        .map(|i| -65.613_616_999_999_98 + f64::from(i) * 0.000_137)
        .collect();
    group.throughput(Throughput::Elements(floats.len() as u64));
    group.bench_function("f64_x1000", |b| {
        let mut out = Vec::with_capacity(32 * 1024);
        b.iter(|| {
            out.clear();
            for &value in black_box(&floats) {
                write_f64(&mut out, value).expect("Vec grows");
            }
        });
    });
    group.finish();
}

criterion_group!(benches, parse_documents, write_pieces);
criterion_main!(benches);
