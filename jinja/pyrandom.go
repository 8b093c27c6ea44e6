package jinja

import (
	"crypto/sha512"
	"math/big"
	"math/bits"
	"math/rand/v2"
)

// pyRandom reproduces Python's random.Random: the same seed gives the same
// numbers, shuffles and choices as Ansible's random, shuffle and random_mac
// filters. Without a seed it draws from the process's generator (Ansible
// uses SystemRandom then).
type pyRandom struct {
	mt    *[mtN]uint32 // nil: unseeded
	index int
}

const mtN, mtM = 624, 397

// newPyRandom is random.Random(seed): ints seed by their absolute value,
// anything else by its str() with version 2's sha512 suffix.
func newPyRandom(seed any) *pyRandom {
	r := &pyRandom{}
	if seed == nil {
		return r
	}
	n := new(big.Int)
	if i, ok := seed.(int); ok {
		n.Abs(big.NewInt(int64(i)))
	} else {
		s := []byte(pyStr(seed))
		sum := sha512.Sum512(s)
		n.SetBytes(append(s, sum[:]...))
	}
	var key []uint32
	for _, w := range n.Bits() { // little-endian machine words
		for shift := 0; shift < bits.UintSize; shift += 32 {
			key = append(key, uint32(uint64(w)>>shift))
		}
	}
	for len(key) > 1 && key[len(key)-1] == 0 {
		key = key[:len(key)-1]
	}
	if len(key) == 0 {
		key = []uint32{0}
	}
	r.initByArray(key)
	return r
}

func (r *pyRandom) initGenrand(s uint32) {
	r.mt = new([mtN]uint32)
	r.mt[0] = s
	for i := 1; i < mtN; i++ {
		r.mt[i] = 1812433253*(r.mt[i-1]^(r.mt[i-1]>>30)) + uint32(i)
	}
	r.index = mtN
}

func (r *pyRandom) initByArray(key []uint32) {
	r.initGenrand(19650218)
	mt := r.mt
	i, j := 1, 0
	for k := max(mtN, len(key)); k > 0; k-- {
		mt[i] = (mt[i] ^ ((mt[i-1] ^ (mt[i-1] >> 30)) * 1664525)) + key[j] + uint32(j)
		i++
		j++
		if i >= mtN {
			mt[0] = mt[mtN-1]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k := mtN - 1; k > 0; k-- {
		mt[i] = (mt[i] ^ ((mt[i-1] ^ (mt[i-1] >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= mtN {
			mt[0] = mt[mtN-1]
			i = 1
		}
	}
	mt[0] = 0x80000000
}

// uint32 is genrand_uint32.
func (r *pyRandom) uint32() uint32 {
	if r.mt == nil {
		return rand.Uint32()
	}
	mt := r.mt
	if r.index >= mtN {
		for k := range mtN {
			y := mt[k]&0x80000000 | mt[(k+1)%mtN]&0x7fffffff
			next := mt[(k+mtM)%mtN] ^ y>>1
			if y&1 != 0 {
				next ^= 0x9908b0df
			}
			mt[k] = next
		}
		r.index = 0
	}
	y := mt[r.index]
	r.index++
	y ^= y >> 11
	y ^= y << 7 & 0x9d2c5680
	y ^= y << 15 & 0xefc60000
	return y ^ y>>18
}

// getrandbits returns k random bits (k <= 64), 32-bit words filled least
// significant first as Python does.
func (r *pyRandom) getrandbits(k int) uint64 {
	var out uint64
	for shift := 0; k > 0; shift += 32 {
		w := r.uint32()
		if k < 32 {
			w >>= 32 - k
		}
		out |= uint64(w) << shift
		k -= 32
	}
	return out
}

// below is _randbelow: uniform in [0, n), n > 0.
func (r *pyRandom) below(n int) int {
	k := bits.Len(uint(n))
	for {
		if v := r.getrandbits(k); v < uint64(n) {
			return int(v)
		}
	}
}

// shuffle is Random.shuffle.
func (r *pyRandom) shuffle(xs []any) {
	for i := len(xs) - 1; i > 0; i-- {
		j := r.below(i + 1)
		xs[i], xs[j] = xs[j], xs[i]
	}
}
