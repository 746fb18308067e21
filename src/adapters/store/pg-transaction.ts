/**
 * @module adapters/store/pg-transaction
 * One transaction on one pooled connection: committed when `fn` resolves, rolled back when it throws, the
 * connection always returned to the pool.
 */
import type pg from 'pg';

export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // The rollback's own failure (a lost connection) would only hide the error that matters.
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
