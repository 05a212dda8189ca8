//! A TCP proxy between a child server and the shared PostgreSQL, so a scenario can make the
//! database unreachable for that server alone: [`Proxy::cut`] resets every open connection and
//! closes the port (new connections are refused); [`Proxy::open`] listens on it again.

use std::{net::SocketAddr, sync::Mutex};
use tokio::{net::TcpListener, sync::watch, task::AbortHandle};

pub struct Proxy {
    pub addr: SocketAddr,
    upstream: SocketAddr,
    /// Counts the cuts; every forwarded connection ends when it changes.
    cuts: watch::Sender<u64>,
    /// The accept loop, while the port is open.
    accept: Mutex<Option<AbortHandle>>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let proxy = Proxy { addr, upstream, cuts: watch::channel(0).0, accept: Mutex::default() };
        proxy.serve(listener);
        proxy
    }

    fn serve(&self, listener: TcpListener) {
        let upstream = self.upstream;
        let cuts = self.cuts.subscribe();
        let generation = *cuts.borrow();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let mut cut = cuts.clone();
                if *cut.borrow_and_update() != generation {
                    break;
                }
                tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await {
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                            _ = cut.changed() => {}
                        }
                    }
                });
            }
        });
        *self.accept.lock().unwrap() = Some(accept.abort_handle());
    }

    /// The database becomes unreachable: open connections are cut and the port is closed.
    pub fn cut(&self) {
        self.cuts.send_modify(|n| *n += 1);
        if let Some(accept) = self.accept.lock().unwrap().take() {
            accept.abort();
        }
    }

    /// Listens on the same port again.
    pub async fn open(&self) {
        for _ in 0..50 {
            if let Ok(listener) = TcpListener::bind(self.addr).await {
                return self.serve(listener);
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("could not listen on {} again", self.addr);
    }

    /// `url` (a postgres:// URL) with its host and port replaced by this proxy's.
    pub fn url_through(&self, url: &str) -> String {
        let (scheme_creds, rest) = url.rsplit_once('@').expect("a postgres URL with credentials");
        let path = rest.split_once('/').map(|(_, p)| p).unwrap_or("");
        format!("{scheme_creds}@{}/{path}", self.addr)
    }
}

/// `host:port` of a postgres:// URL, resolved.
pub fn upstream_of(url: &str) -> SocketAddr {
    let rest = url.rsplit_once('@').map(|(_, r)| r).unwrap_or(url);
    let hostport = rest.split('/').next().unwrap_or(rest);
    use std::net::ToSocketAddrs;
    hostport.to_socket_addrs().ok().and_then(|mut a| a.next()).expect("the database host resolves")
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
    }
}
