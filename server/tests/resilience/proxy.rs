//! A TCP proxy between a child server and the shared PostgreSQL, so a scenario can make the
//! database unreachable for that server alone: [`Proxy::cut`] resets every open connection and
//! closes new ones at once; [`Proxy::open`] lets traffic through again.

use std::{
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
};
use tokio::{net::TcpListener, task::AbortHandle};

pub struct Proxy {
    pub addr: SocketAddr,
    blocked: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<AbortHandle>>>,
    accept: AbortHandle,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let blocked = Arc::new(AtomicBool::new(false));
        let open: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let accept = {
            let (blocked, open) = (blocked.clone(), open.clone());
            tokio::spawn(async move {
                while let Ok((mut client, _)) = listener.accept().await {
                    if blocked.load(Ordering::SeqCst) {
                        drop(client);
                        continue;
                    }
                    let task = tokio::spawn(async move {
                        if let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        }
                    });
                    let mut open = open.lock().unwrap();
                    open.retain(|t| !t.is_finished());
                    open.push(task.abort_handle());
                }
            })
            .abort_handle()
        };
        Proxy { addr, blocked, open, accept }
    }

    /// The database becomes unreachable: open connections are cut, new ones closed at once.
    pub fn cut(&self) {
        self.blocked.store(true, Ordering::SeqCst);
        for task in self.open.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    pub fn open(&self) {
        self.blocked.store(false, Ordering::SeqCst);
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
    let rest = rest.trim_start_matches("postgres://").trim_start_matches("postgresql://");
    let hostport = rest.split('/').next().unwrap_or(rest);
    use std::net::ToSocketAddrs;
    hostport.to_socket_addrs().ok().and_then(|mut a| a.next()).expect("the database host resolves")
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}
