package ouratest

import (
	"encoding/binary"
	"encoding/hex"
)

// Document ids look like UUIDs but carry the collection, the day and the
// ordinal of the document within the day, masked and authenticated with a
// key derived from the seed and the user. So a single-document request needs
// no index: the server decodes the id, checks it belongs to the user, and
// draws that one document again. Any other id is not found.

func makeID(userKey uint64, code uint8, day int32, ord uint8) string {
	mac := hashKey(userKey, tagID, uint64(code), uint64(uint32(day)), uint64(ord))
	m2 := mix64(mac)
	var b [16]byte
	binary.BigEndian.PutUint64(b[0:8], mac) // b[6:8] are overwritten below, kept in b[12:14]
	b[12], b[13] = b[6], b[7]
	b[6] = code ^ byte(m2)
	b[7] = ord ^ byte(m2>>8)
	binary.BigEndian.PutUint32(b[8:12], uint32(day)^uint32(m2>>16))
	b[14], b[15] = byte(m2>>48), byte(m2>>56)
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], b[10:16])
	return string(out[:])
}

// parseID reverses makeID; ok is false for any id the user's key did not make.
func parseID(userKey uint64, id string) (code uint8, day int32, ord uint8, ok bool) {
	if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' {
		return 0, 0, 0, false
	}
	var b [16]byte
	parts := [5][2]int{{0, 8}, {9, 13}, {14, 18}, {19, 23}, {24, 36}}
	n := 0
	for _, p := range parts {
		m, err := hex.Decode(b[n:], []byte(id[p[0]:p[1]]))
		if err != nil {
			return 0, 0, 0, false
		}
		n += m
	}
	var mb [8]byte
	copy(mb[0:6], b[0:6])
	mb[6], mb[7] = b[12], b[13]
	mac := binary.BigEndian.Uint64(mb[:])
	m2 := mix64(mac)
	code = b[6] ^ byte(m2)
	ord = b[7] ^ byte(m2>>8)
	day = int32(binary.BigEndian.Uint32(b[8:12]) ^ uint32(m2>>16))
	if b[14] != byte(m2>>48) || b[15] != byte(m2>>56) {
		return 0, 0, 0, false
	}
	if hashKey(userKey, tagID, uint64(code), uint64(uint32(day)), uint64(ord)) != mac {
		return 0, 0, 0, false
	}
	if makeID(userKey, code, day, ord) != id { // ids are lowercase, as issued
		return 0, 0, 0, false
	}
	return code, day, ord, true
}
