-- Runs once, when the postgres service first starts with an empty volume.
-- The connector's user: REPLICATION for the slot, SELECT on what it captures (docs/operations.md).
CREATE ROLE snapclone WITH LOGIN REPLICATION PASSWORD 'snapclone';

CREATE TABLE customers (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    email text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers,
    total numeric(12,2) NOT NULL,
    status text NOT NULL DEFAULT 'new',
    ordered_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO customers SELECT g, 'customer ' || g, 'c' || g || '@example.com' FROM generate_series(1, 10000) g;
INSERT INTO orders SELECT g, 1 + g % 10000, (g % 997) + 0.99, 'new' FROM generate_series(1, 100000) g;

GRANT USAGE ON SCHEMA public TO snapclone;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO snapclone;
-- Created here, by the tables' owner, so that the connector's user needs no more than the above
-- (the connector config sets publication.autocreate.mode=disabled).
CREATE PUBLICATION snapclone_shop FOR TABLE customers, orders;
