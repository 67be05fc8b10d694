package store

// isKind reports whether a failure of kind k matches target.
func isKind(k Kind, target error) bool {
	return false
}
