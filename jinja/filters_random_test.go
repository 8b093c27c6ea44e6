package jinja

import "testing"

// TestSeededRandom: with a seed, play draws exactly what ansible-core 2.14
// (Python 3.11's Mersenne Twister) draws.
func TestSeededRandom(t *testing.T) {
	runAnsibleCases(t, nil, []ansibleCase{
		{"5 | random(seed='x')", "2"},
		{"100 | random(seed='x')", "80"},
		{"100 | random(seed='web01')", "45"},
		{"100 | random(seed=42)", "81"},
		{"100 | random(seed=0)", "49"},
		{"100 | random(seed=-7)", "41"},
		{"10000000000 | random(seed='x')", "7004179923"},
		{"100 | random(start=10, step=5, seed='x')", "60"},
		{"100 | random(10, 5, seed='x')", "60"},
		{"['a','b','c','d'] | random(seed='x')", "c"},
		{"'hello' | random(seed='x')", "l"},
		{"[1,2,3,4,5] | shuffle(seed='x')", "[5, 2, 1, 4, 3]"},
		{"[1,2,3,4,5] | shuffle(seed=42)", "[4, 2, 3, 5, 1]"},
		{"range(20) | shuffle(seed='inventory')", "[9, 8, 15, 1, 6, 0, 4, 5, 14, 18, 11, 19, 7, 13, 3, 16, 2, 17, 10, 12]"},
		{"'abc' | shuffle(seed='x')", "['a', 'b', 'c']"},
		{"'52:54:00' | random_mac(seed='x')", "52:54:00:60:a1:7b"},
		{"'52:54:00:ab' | random_mac(seed='web01')", "52:54:00:ab:73:5a"},
		{"'52' | random_mac(seed=1)", "52:a1:22:65:b1:f5"},
		{"(60 | random(seed='web01')) ~ ' * * * *'", "22 * * * *"},
	})
	runErrorCases(t, nil, []errorCase{
		{"0 | random(seed='x')", "empty range for randrange() (0, 0, 0)"},
		{"[] | random(seed='x')", "Cannot choose from an empty sequence"},
		{"[1] | random(start=1)", "start and step can only be used with integer values"},
		{"'52:54:zz' | random_mac", "Invalid value (52:54:zz) for random_mac: zz not hexa byte"},
		{"'1:2:3:4:5:6' | random_mac", "5 colon(:) separated items max"},
	})
}

// TestUnseededRandom stays in range and leaves the input list alone.
func TestUnseededRandom(t *testing.T) {
	vars := map[string]any{"xs": []any{1, 2, 3}}
	for range 50 {
		v, err := Eval("10 | random(start=5)", nil)
		if n, ok := v.(int); err != nil || !ok || n < 5 || n >= 10 {
			t.Fatalf("10 | random(start=5) = %v, %v", v, err)
		}
		if v, err := Eval("xs | shuffle | sort", vars); err != nil || len(v.([]any)) != 3 || v.([]any)[2] != 3 {
			t.Fatalf("xs | shuffle | sort = %v, %v", v, err)
		}
	}
	if xs := vars["xs"].([]any); xs[0] != 1 || xs[1] != 2 || xs[2] != 3 {
		t.Errorf("shuffle changed its input: %v", xs)
	}
}
