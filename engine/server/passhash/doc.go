// Package passhash hashes account passwords with Argon2id and checks them.
//
// A hash is one string in the PHC format that every Argon2 tool reads:
//
//	$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>
//
// (salt and hash in unpadded standard base64). The cost parameters travel
// with the hash, so they can be raised for new passwords without breaking the
// old ones, and NeedsRehash says when a stored hash is weaker than today's.
package passhash
