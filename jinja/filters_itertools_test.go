package jinja

import "testing"

// Expected values are what ansible-playbook 2.14 printed for the same
// expressions (msg="={{ expr }}").
func TestPermutationsCombinationsURLDecode(t *testing.T) {
	runAnsibleCases(t, listVars, []ansibleCase{
		{"[1,2,3] | permutations(2) | list", "[(1, 2), (1, 3), (2, 1), (2, 3), (3, 1), (3, 2)]"},
		{"'ab' | permutations | list", "[('a', 'b'), ('b', 'a')]"},
		{"[1,2,3] | permutations(4) | list", "[]"},
		{"[1,2,3] | combinations(2) | list", "[(1, 2), (1, 3), (2, 3)]"},
		{"[1,2,3,4] | combinations(3) | list | length", "4"},
		{"[1,2] | combinations(0) | list", "[()]"},
		{"'a%20b%2Fc+d%zz%C3%A9%4' | urldecode", "a b/c d%zzé%4"},
	})
	runErrorCases(t, listVars, []errorCase{
		{"[1,2] | combinations | list", "missing required argument 'r'"},
		{"range(30) | list | permutations | list", "too many to build"},
	})
}
