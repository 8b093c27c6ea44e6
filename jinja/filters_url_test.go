package jinja

import "testing"

func TestURLAndUUIDFilters(t *testing.T) {
	runAnsibleCases(t, nil, []ansibleCase{
		{"'https://user:pw@www.example.com:8080/a/b.php?q=1&r=2#frag' | urlsplit", "{'fragment': 'frag', 'hostname': 'www.example.com', 'netloc': 'user:pw@www.example.com:8080', 'password': 'pw', 'path': '/a/b.php', 'port': 8080, 'query': 'q=1&r=2', 'scheme': 'https', 'username': 'user'}"},
		{"'https://user:pw@www.example.com:8080/a/b.php?q=1&r=2#frag' | urlsplit('hostname')", "www.example.com"},
		{"'https://www.Example.com/x' | urlsplit('hostname')", "www.example.com"},
		{"'https://www.example.com/x' | urlsplit('port')", ""},
		{"'https://www.example.com:443/x' | urlsplit('port')", "443"},
		{"'https://www.example.com/x' | urlsplit('username')", ""},
		{"'https://www.example.com/x' | urlsplit('scheme')", "https"},
		{"'https://www.example.com/x' | urlsplit('netloc')", "www.example.com"},
		{"'/just/a/path' | urlsplit", "{'fragment': '', 'hostname': None, 'netloc': '', 'password': None, 'path': '/just/a/path', 'port': None, 'query': '', 'scheme': '', 'username': None}"},
		{"'https://[::1]:80/' | urlsplit('hostname')", "::1"},
		{"'example.com' | to_uuid", "ae780c3a-a3ab-53c2-bfb4-098da300b3fe"},
		{"'example.com' | to_uuid(namespace='6ba7b810-9dad-11d1-80b4-00c04fd430c8')", "cfbff0d1-9375-5685-968c-48ce8b15ae17"},
	})
	runErrorCases(t, nil, []errorCase{
		{"'https://x' | urlsplit('nope')", "urlsplit: unknown URL component: nope"},
		{"'x' | to_uuid(namespace='bad')", "Invalid value 'bad' for 'namespace': badly formed hexadecimal UUID string"},
	})
}
