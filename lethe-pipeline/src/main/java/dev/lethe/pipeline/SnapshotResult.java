package dev.lethe.pipeline;

import dev.lethe.pipeline.meta.SnapshotMetadata;
import java.nio.file.Path;

/**
 * A published snapshot.
 *
 * @param directory where it was published: {@code outDir/<snapshot id>}
 * @param metadata what it holds (the manifest's content)
 * @param manifestSha256 SHA-256 (hex) of {@code manifest.json}
 * @param alreadyPublished true if an identical snapshot was already there and was kept as it was
 */
public record SnapshotResult(Path directory, SnapshotMetadata metadata, String manifestSha256, boolean alreadyPublished) {}
