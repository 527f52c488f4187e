// Package remote is a destination on a Cairn server: a store.Backend that
// speaks the server's HTTPS API (docs/SERVER-API.md).
//
// Objects are first written to a local queue (the spool) and then sent; a
// destination that cannot be reached keeps its objects queued, up to a
// bounded size, and Drain sends them once it is back, packs before the
// segments that refer to them, so the server never holds a version whose
// data has not arrived. An upload cut off halfway is sent again whole: the
// unit of resumption is the object (a pack), and the server acknowledges an
// object only once it is durable.
//
// Everything the server answers is checked: names, sizes and lengths; the
// objects themselves are authenticated by the engine when they are read.
// Text meant for a person (error sentences, status lines, device and OS
// names) is made printable here, where it enters the client
// (engine/printable), so a hostile server cannot write escape codes to a
// terminal, a log or the desktop app.
package remote
