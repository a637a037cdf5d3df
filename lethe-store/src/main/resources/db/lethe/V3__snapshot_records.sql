-- The snapshots each build published (or found already published) under a snapshot root. A
-- directory listing alone cannot tell a root that holds nothing from an empty mount point or a
-- backup restored without some of its snapshots; a recorded snapshot that is not found fails
-- forgetting closed. The snapshot id is its directory name under the root. Instants are (epoch
-- second, nano) pairs as in V1. Unregistering a root drops its records with it.
CREATE TABLE snapshot_record (
  root_sha256 VARCHAR(64) NOT NULL REFERENCES snapshot_root (root_sha256) ON DELETE CASCADE,
  snapshot_id VARCHAR(1000) NOT NULL,
  purpose VARCHAR(1000) NOT NULL,
  as_of_second BIGINT NOT NULL,
  as_of_nano INTEGER NOT NULL,
  recorded_second BIGINT NOT NULL,
  recorded_nano INTEGER NOT NULL,
  PRIMARY KEY (root_sha256, snapshot_id)
);
