package modules

import "play/connection"

// Quote quotes s as one POSIX sh word; every value a module puts into a
// remote script goes through it. The connection layer owns the one
// implementation, for become and environment wrapping too.
func Quote(s string) string { return connection.Quote(s) }
