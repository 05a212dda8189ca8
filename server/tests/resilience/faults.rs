//! (to be written)

use crate::{Size, table::Row};

pub async fn run(_size: Size) -> Vec<Row> {
    vec![Row::broken("faults", "not written yet")]
}
