//! `blake3_file`'s ways of reading a file, timed interleaved in one process on a warm page
//! cache: the measurement behind `src/hashing/mapped_file.rs` (issue 18, part 7).
//!
//! ```text
//! cargo bench -p covet-core --bench file_hashing            # 1 MiB, 64 MiB and 1 GiB
//! cargo bench -p covet-core --bench file_hashing -- 16K 1M  # other sizes (K, M, G)
//! cargo bench -p covet-core --bench file_hashing -- --only "now 1" 1M 200  # one contender
//! cargo bench -p covet-core --bench file_hashing -- --only "now 1" FILE 5  # an existing file
//! ```
//!
//! (`--only`: for callgrind or perf stat.)
//!
//! Contenders, single-threaded (`1`) and with `max_threads=AUTO` (`N`):
//! - `mmap before`: the `blake3` crate's `update_mmap` / `update_mmap_rayon`, what
//!   `blake3_file` did before (a file shrinking under it killed the process with SIGBUS);
//! - `now`: `hash_file`, the SIGBUS-guarded map hashed in 64 MiB windows;
//! - `read`: the alternative, `read()` into a 256 KiB buffer (`N`: 4 MiB blocks, each hashed
//!   with `update_rayon`);
//! - `memory`: the bytes already in memory, the ceiling.
//!
//! Measured (2026-12, 2-core Xeon VM with AVX-512, warm page cache, a machine loaded by
//! other work at load ~11; time ratio against `mmap before`, median of per-round ratios):
//!
//! | size | now 1 | read 1 | now N | read N |
//! |---|---|---|---|---|
//! | 1 MiB | 0.95x | 1.02x | 0.93x | 0.98x |
//! | 64 MiB | 1.03x | 1.49x | 0.92x | 1.58x |
//! | 1 GiB | 0.98x | 1.35x | 1.00x | 1.48x |
//!
//! The guarded map costs what the crate's map cost (callgrind: within 7 instructions per
//! 1 MiB call, 162 per 64 MiB call; `perf stat`, 10 calls on 1 GiB: 2.19 s of CPU either
//! way); reading costs a copy out of the page cache in the kernel (`perf stat`: 1.2 s of
//! system time per 10 GiB, CPU time +23% single-threaded, +41% with AUTO). Below 64 KiB
//! the guard's one extra system call (is our SIGBUS handler still installed?) shows:
//! 1.06x at 16 KiB, 1.03x at 64 KiB, 0.99x at 256 KiB. Threads gain nothing on this
//! machine (memory bandwidth, and two shared cores).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use covet_core::hashing::blake3::{hash_file, Mode};
use covet_core::hashing::threads::Threads;

fn mmap_before(path: &Path, threads: Threads) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    let size = std::fs::metadata(path).expect("metadata").len();
    match threads.pool_for(size) {
        Some(pool) => pool
            .install(|| hasher.update_mmap_rayon(path).map(drop))
            .expect("hashed"),
        None => hasher.update_mmap(path).map(drop).expect("hashed"),
    }
    *hasher.finalize().as_bytes()
}

fn now(path: &Path, threads: Threads) -> [u8; 32] {
    let mut out = [0; 32];
    hash_file(path, &Mode::Hash, threads, 0, &mut out).expect("hashed");
    out
}

fn read_blocks(path: &Path, threads: Threads) -> [u8; 32] {
    let mut file = File::open(path).expect("opened");
    let mut hasher = blake3::Hasher::new();
    let pool = threads.pool_for(file.metadata().expect("metadata").len());
    let mut buffer = vec![0; if pool.is_some() { 4 << 20 } else { 256 << 10 }];
    loop {
        let mut filled = 0;
        while filled < buffer.len() {
            match file.read(&mut buffer[filled..]).expect("read") {
                0 => break,
                n => filled += n,
            }
        }
        if filled == 0 {
            break;
        }
        match &pool {
            Some(pool) => pool.install(|| {
                hasher.update_rayon(&buffer[..filled]);
            }),
            None => {
                hasher.update(&buffer[..filled]);
            }
        }
    }
    *hasher.finalize().as_bytes()
}

fn memory(data: &[u8], threads: Threads) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    match threads.pool_for(data.len() as u64) {
        Some(pool) => pool.install(|| {
            hasher.update_rayon(data);
        }),
        None => {
            hasher.update(data);
        }
    }
    *hasher.finalize().as_bytes()
}

type Contender<'a> = (String, Box<dyn Fn() -> [u8; 32] + 'a>);

fn contenders<'a>(path: &'a Path, data: &'a [u8]) -> Vec<Contender<'a>> {
    let mut all: Vec<Contender<'a>> = Vec::new();
    for (suffix, threads) in [("1", Threads::One), ("N", Threads::Auto)] {
        all.push((
            format!("mmap before {suffix}"),
            Box::new(move || mmap_before(path, threads)),
        ));
        all.push((
            format!("now {suffix}"),
            Box::new(move || now(path, threads)),
        ));
        all.push((
            format!("read {suffix}"),
            Box::new(move || read_blocks(path, threads)),
        ));
        all.push((
            format!("memory {suffix}"),
            Box::new(move || memory(data, threads)),
        ));
    }
    all
}

fn parse_size(text: &str) -> Option<usize> {
    let (digits, shift) = match text.as_bytes().last()? {
        b'K' | b'k' => (&text[..text.len() - 1], 10),
        b'M' | b'm' => (&text[..text.len() - 1], 20),
        b'G' | b'g' => (&text[..text.len() - 1], 30),
        _ => (text, 0),
    };
    digits.parse::<usize>().ok().map(|n| n << shift)
}

fn label(len: usize) -> String {
    match len {
        n if n >= 1 << 30 && n % (1 << 30) == 0 => format!("{} GiB", n >> 30),
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n => format!("{} KiB", n >> 10),
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn quartiles(values: &mut [f64]) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    (values[values.len() / 4], values[values.len() * 3 / 4])
}

fn test_file(dir: &Path, len: usize) -> (PathBuf, Vec<u8>) {
    let path = dir.join(format!("f{len}"));
    let data: Vec<u8> = (0..=250u8).cycle().take(len).collect();
    std::fs::write(&path, &data).expect("written");
    (path, data)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let dir = std::env::temp_dir().join(format!("covet-file-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    if let Some(at) = args.iter().position(|a| a == "--only") {
        // One contender, `calls` times: for callgrind or perf stat. The file is made (of the
        // size given), or an existing one is hashed (a path: its setup stays out of the
        // counts; `memory` then hashes nothing).
        let name = &args[at + 1];
        let calls: usize = args[at + 3].parse().expect("a number of calls");
        let (path, data) = match parse_size(&args[at + 2]) {
            Some(len) => test_file(&dir, len),
            None => (PathBuf::from(&args[at + 2]), Vec::new()),
        };
        let all = contenders(&path, &data);
        let (_, run) = all.iter().find(|(n, _)| n == name).expect("a contender");
        for _ in 0..calls {
            std::hint::black_box(run());
        }
        drop(all);
        std::fs::remove_dir_all(&dir).expect("cleaned up");
        return;
    }
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| parse_size(a)).collect();
    if sizes.is_empty() {
        sizes = vec![1 << 20, 64 << 20, 1 << 30];
    }
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    println!("cores: {cores}; N = max_threads=AUTO; ratio = median of per-round time ratios against `mmap before` with the same threads [interquartile range]");
    for len in sizes {
        let (path, data) = test_file(&dir, len);
        let expected = *blake3::hash(&data).as_bytes();
        let all = contenders(&path, &data);
        for (name, run) in &all {
            assert_eq!(run(), expected, "{name}");
        }
        // About 2 s of the slowest contender per size, at least 9 rounds.
        let rounds = (2_000_000_000 / len.max(1)).clamp(9, 301);
        let mut times = vec![Vec::with_capacity(rounds); all.len()];
        for round in 0..rounds {
            for k in 0..all.len() {
                let i = (k + round) % all.len();
                let start = Instant::now();
                std::hint::black_box(all[i].1());
                times[i].push(start.elapsed().as_secs_f64());
            }
        }
        println!("\n{}, {rounds} rounds", label(len));
        println!("| contender | median ms | GB/s | time vs mmap before |");
        println!("|---|---|---|---|");
        for (i, (name, _)) in all.iter().enumerate() {
            let base = if name.ends_with('1') { 0 } else { 4 };
            let mut ratios: Vec<f64> = times[i]
                .iter()
                .zip(&times[base])
                .map(|(t, b)| t / b)
                .collect();
            let ratio = median(&mut ratios);
            let (low, high) = quartiles(&mut ratios);
            let time = median(&mut times[i].clone());
            #[allow(clippy::cast_precision_loss)] // a throughput to print
            let gigabytes = len as f64 / 1e9;
            println!(
                "| {name} | {:.3} | {:.2} | {ratio:.2}x [{low:.2}-{high:.2}] |",
                time * 1e3,
                gigabytes / time,
            );
        }
        drop(all);
        std::fs::remove_file(&path).expect("removed");
    }
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}
