"""The order store's SQL: literal statements, every value a bound parameter ($1, $2, ...)."""

from __future__ import annotations

GET = """
SELECT id, customer, product, quantity, amount, status, created_at, updated_at FROM orders WHERE id = $1
"""
LIST = """
SELECT id, customer, product, quantity, amount, status, created_at, updated_at FROM orders
ORDER BY created_at DESC, id DESC LIMIT $1
"""
CREATE = """
INSERT INTO orders (customer, product, quantity, amount) VALUES ($1, $2, $3, $4)
RETURNING id, customer, product, quantity, amount, status, created_at, updated_at
"""
# One statement: ``old`` locks the row and reads the status it really had (after any concurrent
# change committed), the update happens only from an allowed source, and a row with a null
# ``id`` says "refused" while no row at all says "no such order". No lost update, no race.
CHANGE_STATUS = """
WITH old AS (SELECT id, status FROM orders WHERE id = $1 FOR UPDATE),
changed AS (
    UPDATE orders SET status = $2, updated_at = now() FROM old
    WHERE orders.id = old.id AND old.status = ANY($3::text[])
    RETURNING orders.id, orders.customer, orders.product, orders.quantity, orders.amount,
              orders.status, orders.created_at, orders.updated_at
)
SELECT old.status AS previous, changed.* FROM old LEFT JOIN changed ON true
"""
