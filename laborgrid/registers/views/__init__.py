"""Register import pages: batches (upload, mapping, dry run, commit, rollback, error report) and
the work queues an import leaves (rows to review, employers to place in a grid)."""
