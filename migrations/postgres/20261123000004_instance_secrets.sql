-- Secrets every server instance of one database shares (e.g. the key that signs form errors
-- carried in a redirect), created on first start.
CREATE TABLE instance_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
