package store

import "github.com/lifeops/lifeops/lifeops"

// isKind maps each Kind to the lifeops sentinel it matches with errors.Is,
// so callers of the store ports branch on lifeops errors alone.
func isKind(k Kind, target error) bool {
	switch k {
	case KindNotFound:
		return target == lifeops.ErrNotFound
	case KindConflict:
		return target == lifeops.ErrConflict
	case KindInvalid:
		return target == lifeops.ErrInvalid
	case KindUnavailable, KindRetryable:
		return target == lifeops.ErrUnavailable
	}
	return false
}
