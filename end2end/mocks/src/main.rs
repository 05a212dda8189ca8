//! `mocks`: serves the three mock platforms on the seed's ports (Prokip :4000, Shopify :4001,
//! WooCommerce :4002), seeded with the demo catalog, for demo mode and end-to-end tests.
//!
//! `mocks [--host 127.0.0.1] [--skus N] [--no-demo]` — `--skus N` also seeds N generated SKUs
//! into all three platforms and prints how long that took.

use anyhow::Context;
use mocks::{
    catalog,
    prokip::{self, ProkipMock},
    shopify::{self, ShopifyMock},
    woocommerce::{self, WooMock},
};
use std::{net::SocketAddr, time::Instant};

struct Args {
    host: String,
    skus: usize,
    demo: bool,
    ports: [u16; 3],
}

fn args() -> anyhow::Result<Args> {
    let mut a = Args { host: "127.0.0.1".into(), skus: 0, demo: true, ports: [4000, 4001, 4002] };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().with_context(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--host" => a.host = value("--host")?,
            "--skus" => a.skus = value("--skus")?.parse().context("--skus must be a number")?,
            "--prokip-port" => a.ports[0] = value("--prokip-port")?.parse()?,
            "--shopify-port" => a.ports[1] = value("--shopify-port")?.parse()?,
            "--woo-port" => a.ports[2] = value("--woo-port")?.parse()?,
            "--no-demo" => a.demo = false,
            "-h" | "--help" => {
                println!("mocks [--host H] [--prokip-port P] [--shopify-port P] [--woo-port P] [--skus N] [--no-demo]");
                std::process::exit(0);
            }
            other => anyhow::bail!("unknown argument {other} (try --help)"),
        }
    }
    Ok(a)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into())).init();
    let a = args()?;
    let addr = |port: u16| -> anyhow::Result<SocketAddr> { Ok(format!("{}:{port}", a.host).parse()?) };

    let prokip = ProkipMock::new(prokip::DEMO_CLIENT_ID, prokip::DEMO_CLIENT_SECRET);
    let shopify = ShopifyMock::new(shopify::DEMO_CLIENT_ID, shopify::DEMO_CLIENT_SECRET);
    let woo = WooMock::new();
    woo.set_base_url(&format!("http://{}:{}", a.host, a.ports[2]));
    if a.demo {
        prokip.seed_demo();
        shopify.seed_demo();
        woo.seed_demo();
    }
    if a.skus > 0 {
        let started = Instant::now();
        let generated = catalog::generated_catalog(a.skus);
        prokip.seed(&generated);
        shopify.seed(&generated);
        woo.seed(&generated);
        let n: usize = generated.iter().map(|p| p.variants.len()).sum();
        println!("seeded {n} SKUs into each of the three platforms in {:.2?}", started.elapsed());
    }

    let p = mocks::serve(prokip.router(), addr(a.ports[0])?).await.context("Prokip mock port")?;
    let s = mocks::serve(shopify.router(), addr(a.ports[1])?).await.context("Shopify mock port")?;
    let w = mocks::serve(woo.router(), addr(a.ports[2])?).await.context("WooCommerce mock port")?;
    println!("Prokip      http://{p}   user {} / {}", prokip::DEMO_USERNAME, prokip::DEMO_PASSWORD);
    println!("Shopify     http://{s}   shop {}", shopify::DEMO_SHOP);
    println!(
        "WooCommerce http://{w}   store {} keys {} / {}",
        woo.store_url(woocommerce::DEMO_STORE),
        woocommerce::DEMO_CONSUMER_KEY,
        woocommerce::DEMO_CONSUMER_SECRET
    );
    println!("ready");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
