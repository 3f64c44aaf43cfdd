//! Criterion benches of the pure-Rust hashing drivers (no Python needed):
//! `cargo bench -p covet-core --bench hashing`.
//!
//! `blake3_threads` is the measurement behind `PARALLEL_MIN_BYTES`: single-threaded
//! versus a 2-thread pool at sizes around the point where threading starts to pay.

use std::hint::black_box;
use std::num::NonZeroUsize;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use covet_core::hashing::blake3::{hash_into, Mode};
use covet_core::hashing::threads::Threads;
use covet_core::hashing::xxh3;

fn payload(len: usize) -> Vec<u8> {
    (0..=250u8).cycle().take(len).collect()
}

fn blake3_sizes(c: &mut Criterion) {
    let mut group = c.benchmark_group("blake3");
    for len in [64, 4 << 10, 16 << 10, 1 << 20] {
        let data = payload(len);
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_with_input(BenchmarkId::from_parameter(len), &data, |b, data| {
            let mut out = [0; 32];
            b.iter(|| hash_into(&Mode::Hash, black_box(data), Threads::One, 0, &mut out));
        });
    }
    group.finish();
}

fn blake3_threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("blake3_threads");
    group.sample_size(30);
    let two = Threads::AtMost(NonZeroUsize::new(2).expect("2 > 0"));
    for len in [128 << 10, 256 << 10, 512 << 10, 1 << 20, 2 << 20, 8 << 20] {
        let data = payload(len);
        group.throughput(Throughput::Bytes(len as u64));
        for (name, threads) in [("one", Threads::One), ("two", two)] {
            group.bench_with_input(BenchmarkId::new(name, len), &data, |b, data| {
                let mut out = [0; 32];
                b.iter(|| hash_into(&Mode::Hash, black_box(data), threads, 0, &mut out));
            });
        }
    }
    group.finish();
}

fn xxh3_sizes(c: &mut Criterion) {
    let mut group = c.benchmark_group("xxh3_64");
    for len in [64, 4 << 10, 1 << 20] {
        let data = payload(len);
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_with_input(BenchmarkId::from_parameter(len), &data, |b, data| {
            b.iter(|| xxh3::hash64(black_box(data), 0));
        });
    }
    group.finish();
}

criterion_group!(benches, blake3_sizes, blake3_threads, xxh3_sizes);
criterion_main!(benches);
