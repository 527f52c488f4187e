// Package records keeps the server's own records: accounts, devices, sign-in
// tokens, the list of stored objects (with their sizes, arrival times and
// deletions) and recent failed sign-ins.
//
// Store is the interface the server uses; SQL implements it over
// database/sql, with SQLite (modernc.org/sqlite, pure Go) in WAL mode, so the
// administration commands work while the server runs in another process, or
// with PostgreSQL (pgx), so several server nodes share one database; Open
// chooses by the spec. The SQL is kept portable (no SQLite-only functions, ?
// placeholders and migration types rewritten per dialect). What must hold
// across nodes (device limits, quotas) is decided under a lock of the user's
// row; migrations run under an advisory lock.
//
// The schema carries its version in a schema_version table; Open brings an
// older database up to date with the migrations in migrate.go and refuses one
// written by a newer server.
//
// The records are the source of truth for what is stored: listings, sizes,
// arrival times and usage come from here, never from the blob storage. Usage
// (a user's bytes, trash included) is kept in users.used, updated in the same
// transaction as the objects it counts; RecountUsage checks it against the
// sum of the objects.
package records
