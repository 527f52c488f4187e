package webarchive

import "bytes"

// skipList is an ordered map of byte keys, for memKV while it loads. Not
// safe for concurrent use: memKV locks around it.
type skipList struct {
	head  skipNode
	level int
	n     int    // keys
	bytes int    // bytes of keys and values
	rnd   uint64 // xorshift state for node heights
}

type skipNode struct {
	key, val []byte
	next     []*skipNode
}

// maxHeight allows 4^20 keys at the expected cost.
const maxHeight = 20

func newSkipList() *skipList {
	return &skipList{head: skipNode{next: make([]*skipNode, maxHeight)}, level: 1, rnd: 0x9e3779b97f4a7c15}
}

// height draws a node height: each level a quarter as likely as the one below.
func (s *skipList) height() int {
	s.rnd ^= s.rnd << 13
	s.rnd ^= s.rnd >> 7
	s.rnd ^= s.rnd << 17
	h, r := 1, s.rnd
	for h < maxHeight && r&3 == 0 {
		h++
		r >>= 2
	}
	return h
}

// findGE returns the first node with a key >= k; with prev, it also fills
// in the last node before that one at each level.
func (s *skipList) findGE(k []byte, prev *[maxHeight]*skipNode) *skipNode {
	x := &s.head
	for l := s.level - 1; l >= 0; l-- {
		for x.next[l] != nil && bytes.Compare(x.next[l].key, k) < 0 {
			x = x.next[l]
		}
		if prev != nil {
			prev[l] = x
		}
	}
	return x.next[0]
}

func (s *skipList) get(k []byte) ([]byte, bool) {
	n := s.findGE(k, nil)
	if n != nil && bytes.Equal(n.key, k) {
		return n.val, true
	}
	return nil, false
}

// set stores k → v; both are kept, not copied.
func (s *skipList) set(k, v []byte) {
	var prev [maxHeight]*skipNode
	n := s.findGE(k, &prev)
	if n != nil && bytes.Equal(n.key, k) {
		s.bytes += len(v) - len(n.val)
		n.val = v
		return
	}
	h := s.height()
	for ; s.level < h; s.level++ {
		prev[s.level] = &s.head
	}
	n = &skipNode{key: k, val: v, next: make([]*skipNode, h)}
	for l := 0; l < h; l++ {
		n.next[l] = prev[l].next[l]
		prev[l].next[l] = n
	}
	s.n++
	s.bytes += len(k) + len(v)
}

func (s *skipList) remove(k []byte) {
	var prev [maxHeight]*skipNode
	n := s.findGE(k, &prev)
	if n == nil || !bytes.Equal(n.key, k) {
		return
	}
	for l := 0; l < len(n.next); l++ {
		prev[l].next[l] = n.next[l]
	}
	s.n--
	s.bytes -= len(k) + len(n.val)
}
