-- One dialect for H2 (MODE=PostgreSQL) and PostgreSQL >= 15: no RETURNING, no ON CONFLICT DO UPDATE,
-- no partial indexes. Instants are (epoch second, nano) pairs: exact in both, and sortable.

-- The single row every writer locks first (SELECT ... FOR UPDATE): it serializes appends across
-- threads and processes and hands out the next sequence numbers without gaps.
CREATE TABLE store_head (
  id INTEGER PRIMARY KEY,
  events BIGINT NOT NULL,
  leaves BIGINT NOT NULL,
  members INTEGER NOT NULL,
  checkpoints BIGINT NOT NULL
);
INSERT INTO store_head (id, events, leaves, members, checkpoints) VALUES (1, 0, 0, 0, 0);

CREATE TABLE store_meta (
  meta_name VARCHAR(64) PRIMARY KEY,
  meta_value VARCHAR(4000) NOT NULL
);

-- seq is the append sequence (1, 2, ...); applied order is (at_second, at_nano, seq).
CREATE TABLE ledger_event (
  seq BIGINT PRIMARY KEY,
  event_type VARCHAR(32) NOT NULL,
  at_second BIGINT NOT NULL,
  at_nano INTEGER NOT NULL,
  member_no INTEGER,
  client_id VARCHAR(200) UNIQUE,
  leaf_index BIGINT NOT NULL UNIQUE,
  body VARCHAR NOT NULL
);
CREATE INDEX ledger_event_by_member ON ledger_event (member_no, seq);
CREATE INDEX ledger_event_by_type ON ledger_event (event_type, seq);

-- Dense member numbers (0, 1, ...) in registration append order: the keys of member bitmaps.
CREATE TABLE ledger_member (
  member_no INTEGER PRIMARY KEY,
  member_id VARCHAR(1000) NOT NULL UNIQUE,
  registered_seq BIGINT NOT NULL
);

CREATE TABLE ledger_objection (
  objection_id VARCHAR(1000) PRIMARY KEY,
  member_no INTEGER NOT NULL,
  filed_seq BIGINT NOT NULL
);

CREATE TABLE ledger_content (
  content_id VARCHAR(1000) PRIMARY KEY,
  member_no INTEGER NOT NULL,
  posted_seq BIGINT NOT NULL
);

-- RFC 9162 leaves (0-based index) and every complete subtree of level >= 1, written in the same
-- transaction as what they log; level 0 is the leaf hash itself.
CREATE TABLE audit_leaf (
  leaf_index BIGINT PRIMARY KEY,
  kind VARCHAR(64) NOT NULL,
  leaf_bytes BYTEA NOT NULL,
  leaf_hash BYTEA NOT NULL
);

CREATE TABLE audit_node (
  node_level INTEGER NOT NULL,
  node_index BIGINT NOT NULL,
  hash BYTEA NOT NULL,
  PRIMARY KEY (node_level, node_index)
);

-- Signed checkpoints in creation order (1, 2, ...); the note is the full C2SP signed note.
CREATE TABLE audit_checkpoint (
  checkpoint_no BIGINT PRIMARY KEY,
  tree_size BIGINT NOT NULL,
  root BYTEA NOT NULL,
  note VARCHAR(8000) NOT NULL
);
