//! Matching cost on a table shaped like a real API (about 60 routes of
//! literals, params and wildcards): a literal hit, a param hit, a deep
//! wildcard hit and a miss.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use howth_router::Router;

fn api_table() -> Router<usize> {
    let mut r = Router::new();
    let mut n = 0;
    let mut add = |p: &str| {
        r.insert(p, n).unwrap();
        n += 1;
    };
    add("/");
    add("/health");
    add("/static/*");
    for resource in [
        "users", "posts", "comments", "orders", "products", "carts", "invoices", "teams",
    ] {
        add(&format!("/api/{resource}"));
        add(&format!("/api/{resource}/:id"));
        add(&format!("/api/{resource}/:id/history"));
        add(&format!("/api/{resource}/:id/owner"));
        add(&format!("/api/{resource}/search"));
        add(&format!("/api/{resource}/export/*"));
        add(&format!("/v2/{resource}/:id"));
    }
    r
}

fn bench(c: &mut Criterion) {
    let r = api_table();
    let mut g = c.benchmark_group("router");
    for (name, path) in [
        ("literal", "/api/orders/search"),
        ("param", "/api/invoices/12345/history?page=2"),
        ("wildcard", "/static/js/vendor/app.min.js"),
        ("miss", "/api/unknown/thing"),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| black_box(r.at(black_box(path)).map(|m| *m.value)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
