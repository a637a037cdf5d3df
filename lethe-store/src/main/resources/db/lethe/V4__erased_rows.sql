-- Erasure purges a member's stored events in place (dev.lethe.core.event.Erasure: free text
-- becomes "[erased]", the display name and unknown fields go; what decisions need stays).
-- purged_by is the seq of the member's erasure.requested event, NULL for a row as appended. The
-- row's audit leaf keeps its commitments to the original values, so the log is never rewritten.
ALTER TABLE ledger_event ADD COLUMN purged_by BIGINT;
