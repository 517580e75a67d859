-- The transactional outbox: one row per message, written in the transaction that
-- stores the waiver, published later by the dispatcher (service/Messaging). body is
-- json, not jsonb, so the text is kept byte for byte as the API serialized it.
CREATE TABLE IF NOT EXISTS waiverdb_outbox (
    id          BIGSERIAL PRIMARY KEY,
    message_id  UUID NOT NULL UNIQUE,
    topic       TEXT NOT NULL,
    body        JSON NOT NULL,
    waiver_id   INTEGER,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    sent_at     TIMESTAMP WITH TIME ZONE,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT
);

-- The dispatcher's queue: pending rows in id order, without reading the sent ones.
CREATE INDEX IF NOT EXISTS waiverdb_outbox_pending_idx ON waiverdb_outbox (id) WHERE sent_at IS NULL;

-- Pruning finds old sent rows by time.
CREATE INDEX IF NOT EXISTS waiverdb_outbox_sent_at_idx ON waiverdb_outbox (sent_at) WHERE sent_at IS NOT NULL;
