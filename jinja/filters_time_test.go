package jinja

import (
	"regexp"
	"testing"
)

// TestTimeFilters: expected values printed by ansible-core 2.14 with TZ=UTC.
func TestTimeFilters(t *testing.T) {
	runAnsibleCases(t, nil, []ansibleCase{
		{"'2016-08-14 20:00:12' | to_datetime", "2016-08-14 20:00:12"},
		{"('2016-08-14 20:00:12' | to_datetime).year", "2016"},
		{"('2016-08-14 20:00:12' | to_datetime).month", "8"},
		{"('2016-08-14' | to_datetime('%Y-%m-%d')).day", "14"},
		{"(('2016-08-14 20:00:12' | to_datetime) - ('2016-08-04 18:00:00' | to_datetime)).days", "10"},
		{"(('2016-08-14 20:00:12' | to_datetime) - ('2016-08-04 18:00:00' | to_datetime)).total_seconds()", "871212.0"},
		{"(('2016-08-14 20:00:12' | to_datetime) - ('2016-08-04 18:00:00' | to_datetime)).seconds", "7212"},
		{"('2016-08-14 20:00:12' | to_datetime) - ('2016-08-04 18:00:00' | to_datetime)", "10 days, 2:00:12"},
		{"('2016-08-14 20:00:12' | to_datetime) - ('2016-08-14 20:00:15' | to_datetime)", "-1 day, 23:59:57"},
		{"('2016-08-15 20:00:12' | to_datetime) - ('2016-08-14 20:00:12' | to_datetime)", "1 day, 0:00:00"},
		{"('2016-08-14 20:00:12' | to_datetime).strftime('%d/%m/%Y')", "14/08/2016"},
		{"('2016-08-14 20:00:12' | to_datetime).isoformat()", "2016-08-14T20:00:12"},
		{"('2016-08-14 20:00:12' | to_datetime) | type_debug", "datetime"},
		{"'14/08/2016' | to_datetime('%d/%m/%Y')", "2016-08-14 00:00:00"},
		{"'2016-08-14 20:00:12.5' | to_datetime('%Y-%m-%d %H:%M:%S.%f')", "2016-08-14 20:00:12.500000"},
		{"'Aug 4 2016 3:05 PM' | to_datetime('%b %d %Y %I:%M %p')", "2016-08-04 15:05:00"},
		{"'%Y-%m-%d %H:%M:%S' | strftime(0, utc=True)", "1970-01-01 00:00:00"},
		{"'%Y-%m-%d' | strftime(1441357287, utc=True)", "2015-09-04"},
		{"'%A %B %j %a %b %p %I %y %e %%' | strftime(1441357287, utc=True)", "Friday September 247 Fri Sep AM 09 15  4 %"},
		{"'%s' | strftime(1441357287)", "1441357287"},
		{"'%Y-%m-%dT%H:%M:%S' | strftime(1441357287.9, utc=True)", "2015-09-04T09:01:27"},
		{"'%Y' | strftime | length", "4"},
		{"7 - 2", "5"},
		{"7 - 2.5", "4.5"},
	})
	runErrorCases(t, nil, []errorCase{
		{"'2016-08-14' | to_datetime", "time data '2016-08-14' does not match format '%Y-%m-%d %H:%M:%S'"},
		{"'16-02-30' | to_datetime('%y-%m-%d')", "day is out of range for month"},
		{"'x' | to_datetime('%Q')", "'Q' is a bad directive in format '%Q'"},
		{"'%Y' | strftime('x')", "Invalid value for epoch value (x)"},
		{"'a' - 1", "unsupported operand type(s) for -: 'str' and 'int'"},
		{"('2016-08-14 20:00:12' | to_datetime) - 1", "unsupported operand type(s) for -: 'datetime' and 'int'"},
	})
	// Outside the engine a datetime is the string Ansible's templating makes of it.
	if got, err := Eval("'2016-08-14 20:00:12' | to_datetime", nil); got != "2016-08-14 20:00:12" || err != nil {
		t.Errorf("native to_datetime = %#v, %v", got, err)
	}
	if got, _ := Eval("'%H:%M' | strftime", nil); !regexp.MustCompile(`^\d\d:\d\d$`).MatchString(got.(string)) {
		t.Errorf("strftime of now = %q", got)
	}
}
