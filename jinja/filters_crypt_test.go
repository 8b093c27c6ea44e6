package jinja

import (
	"regexp"
	"testing"
)

const longPassword = "a much longer password than the digest size of sha512 for sure, yes, definitely longer than sixty four bytes"

func TestPasswordHash(t *testing.T) {
	runAnsibleCases(t, map[string]any{"long": longPassword}, []ansibleCase{
		{"'abc' | password_hash('sha512', 'saltsalt')", "$6$rounds=656000$saltsalt$A/uJ.BautBKn5Pbeh7ydHG921ygLOxQx9dFAhMsKQLSwUnAvjf40pT8gJ5zgxiFSEhGdifh5YsEPSQIyTTebX/"},
		{"'abc' | password_hash('sha256', 'saltsalt')", "$5$rounds=535000$saltsalt$E.iC6oTI0yaUc/idi0XfnY.ep5pFMqnfIbB2X8bXHf5"},
		{"'abc' | password_hash('md5', 'saltsalt')", "$1$saltsalt$7fq7ZEc75157blrz18yX./"},
		{"'abc' | password_hash('sha512', 'saltsalt', rounds=5000)", "$6$saltsalt$mXmsbOzRhx9FdAbQCUHYMV8i33aUx8FUsjR813r/Te3OUwcAdbwkebLKfLOfUCihpvpN7Ji1TH3bltSG02PNE1"},
		{"'abc' | password_hash('sha512', 'saltsalt', rounds=10000)", "$6$rounds=10000$saltsalt$2MUt07LuRNi9NaFfNKRAKv2S8XJrFiAVULUYD9yn.kBbrt4yhg6m7YmLUogKaws0AGf6CKu4Nsr9WZ4OnQtot0"},
		{"'abc' | password_hash('sha256', 'saltsalt', rounds=5000)", "$5$saltsalt$yq1e3uCn05golCpAZpAtIJ0t3Ir9d/WUXXo2ps/jrkD"},
		{"'abc' | password_hash('sha512_crypt', 'abcdefghijklmnop', rounds=1000)", "$6$rounds=1000$abcdefghijklmnop$O0erJZzo5mHI21s1aUdmKreRwCmA9AupVR6YzPD8qnge2bsmlnXYA7mXCwEanbUHCVTHIFAx13.MDRxibhjS90"},
		{"'' | password_hash('sha512', 'x', rounds=5000)", "$6$x$QSmr1Bx2g4O6BzKvdkgOcyU6H91X6I/XBv5pSalMhSPkwdH6Beo3F455xZJg0v//bxVK5F4OE5k1.0xuR26MK0"},
		{"long | password_hash('sha512', '0123456789abcdef', rounds=5000)", "$6$0123456789abcdef$ppw7vZYTm8MW2pBoIv5a/UZzbn6wUEA.6tKPtymC0N74M/akOa.7sYjq4i95LT7rJ0GvnShCJkj7bVblci/Uu/"},
		{"long | password_hash('sha256', '0123456789abcdef', rounds=5000)", "$5$0123456789abcdef$S8hh5dQdVJppOt57HDT0AusbGqE4S.7s1j2fqhCnCM0"},
		{"'p\u00e4ssw\u00f6rd' | password_hash('sha512', 'saltsalt', rounds=5000)", "$6$saltsalt$TQjRhpJdqmLx0U8it3EsUajwkmOMMvw5vhUFc7mohzFFoj/QHrfYUHU1oSkwyCEoTUCDOiAOW135nel3bqtKe."},
		{"'secret' | password_hash('md5', 'ab')", "$1$ab$dslkcXxVH.x8LwW1W/oAB/"},
		{"long | password_hash('md5', '12345678')", "$1$12345678$SZDzFlEcupsSa6oIiW8Pc0"},
		{"'abc' | password_hash('md5_crypt', 'saltsalt')", "$1$saltsalt$7fq7ZEc75157blrz18yX./"},
		{"'abc' | password_hash('sha512', rounds=5000) | length", "106"},
		{"'abc' | password_hash('md5') | length", "34"},
		{"'abc' | password_hash('sha512', salt_size=4, rounds=5000) | length", "94"},
	})
	runErrorCases(t, nil, []errorCase{
		{"'abc' | password_hash('sha512', 'saltsaltsaltsaltsalt', rounds=5000)", "salt too large (sha512_crypt requires <= 16 chars)"},
		{"'abc' | password_hash('md5', 'saltsaltsalt')", "salt too large (md5_crypt requires <= 8 chars)"},
		{"'abc' | password_hash('sha512', 'bad salt!', rounds=5000)", "invalid characters in sha512_crypt salt"},
		{"'abc' | password_hash('sha512', 'saltsalt', rounds=999)", "rounds (999) is too low, must be at least 1000"},
		{"'abc' | password_hash('sha512', 'saltsalt', rounds=1000000000)", "cannot be more than 999999999"},
		{"'abc' | password_hash('whirlpool', 'saltsalt')", `password_hash does not support "whirlpool"`},
	})
	// Without a salt, a random one of the scheme's size (Ansible printed
	// $6$rounds=656000$ZoDamDLt/2tJAgHn$... for password_hash('sha512')).
	got, err := Eval("'abc' | password_hash(rounds=5000)", nil)
	if ok, _ := regexp.MatchString(`^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$`, got.(string)); err != nil || !ok {
		t.Errorf("password_hash without salt = %v, %v", got, err)
	}
}
