-- Directories that hold published snapshots ("lethe build --out DIR", the default DATA/snapshots
-- included). Forgetting and "where" must cover every one of them, so a build records its root
-- here. The key is the SHA-256 (hex) of the absolute, normalized path: a path may be longer than
-- a B-tree index entry allows, its digest never is.
CREATE TABLE snapshot_root (
  root_sha256 VARCHAR(64) PRIMARY KEY,
  root_path VARCHAR NOT NULL
);
