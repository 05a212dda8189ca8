//! Scheduled ticks claimed once: several server processes on one database each get the cron
//! tick, and only the one that claims `(name, slot)` runs it.

use sea_orm::{ConnectionTrait, DbErr, Statement};

/// `true` when this process claimed the tick; `false` when another one already had.
pub async fn claim<C: ConnectionTrait>(db: &C, name: &str, slot: i64) -> Result<bool, DbErr> {
    let b = db.get_database_backend();
    let stmt = Statement::from_sql_and_values(
        b,
        "INSERT INTO sync_ticks (name, slot) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        [name.into(), slot.into()],
    );
    let claimed = db.execute_raw(stmt).await?.rows_affected() == 1;
    if claimed {
        let prune = "DELETE FROM sync_ticks WHERE name = $1 AND claimed_at < now() - interval '1 day'";
        db.execute_raw(Statement::from_sql_and_values(b, prune, [name.into()])).await?;
    }
    Ok(claimed)
}
