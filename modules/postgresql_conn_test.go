package modules

import "testing"

// login_host localhost with a login_unix_socket connects through the socket, as
// community.postgresql does (geerlingguy.postgresql passes both and relies on peer auth).
func TestPGConnInfoHost(t *testing.T) {
	tests := []struct {
		conn PGConn
		want string
	}{
		{PGConn{}, "user=postgres port=5432 dbname=app"},
		{PGConn{LoginUnixSocket: "/run/postgresql"}, "user=postgres port=5432 dbname=app host=/run/postgresql"},
		{PGConn{LoginHost: "localhost", LoginUnixSocket: "/run/postgresql"}, "user=postgres port=5432 dbname=app host=/run/postgresql"},
		{PGConn{LoginHost: "localhost"}, "user=postgres port=5432 dbname=app host=localhost"},
		{PGConn{LoginHost: "db1", LoginUnixSocket: "/run/postgresql"}, "user=postgres port=5432 dbname=app host=db1"},
	}
	for _, tt := range tests {
		if got := tt.conn.conninfo("app"); got != tt.want {
			t.Errorf("%+v: conninfo = %q, want %q", tt.conn, got, tt.want)
		}
	}
}
