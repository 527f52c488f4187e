// Package blobs keeps the objects' bytes: the server's blob storage.
//
// Store is the interface; Disk keeps everything under one folder of the
// local disk, S3 in an S3-compatible bucket with the same layout under its
// prefix (Open chooses by spec: a folder, or s3://BUCKET?endpoint=…). The records (package records) are the source of truth for
// what exists; a blob store only keeps bytes where it is told, and never
// overwrites a name.
//
// An upload is written in two steps so the caller can decide, under its own
// lock, whether to keep it: Stage writes the bytes to a temporary place and
// makes them durable (fsync); Staged.Commit gives them their name, atomically
// and without replacing anything, and makes the name durable (fsync of the
// folder). After a crash an object is either wholly under its name or not
// there; leftovers of staging are removed by CleanTemp.
//
// Deleted objects go to a trash, each under the ID of its record (several
// generations of one name can wait there), from which they can be restored
// until purged.
//
// Layout of a Disk under its folder (and of S3 under its prefix):
//
//	objects/<device>/<kind>/<name>           packs/ sharded: packs/<2 chars>/<name>
//	trash/<device>/<kind>/<name>@<id>        the same sharding
//	tmp/<random>.tmp                         uploads being written
package blobs
