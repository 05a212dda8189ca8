//! The shared test world connects everything through the real flows.

mod common;

use common::world::World;

#[tokio::test]
async fn the_world_has_prokip_and_both_stores_connected() {
    let w = World::new().await;
    assert_eq!(w.app.scalar("SELECT count(*) FROM prokip_configs WHERE location_id IS NOT NULL").await, 1);
    assert_eq!(w.app.scalar("SELECT count(*) FROM connections WHERE status = 'healthy'").await, 2);
    assert!(w.prokip.stock(w.prokip_location, "AS0001").is_some());
}
