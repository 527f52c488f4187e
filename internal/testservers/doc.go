// Package testservers starts real servers for tests: a private PostgreSQL
// cluster (Debian's postgresql) and an S3-compatible server (versitygw), on
// 127.0.0.1. Without them tests skip with a message; CAIRN_TEST_POSTGRES=1
// and CAIRN_TEST_S3=1 (set by make test) make their absence a failure.
package testservers
