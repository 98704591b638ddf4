#!/usr/bin/env bats
# --csv: one record per run under a line of column names, every value the
# one --json prints for the same run (a nested one named a.b), the columns
# those of every run; no root needed to print a replay so.

setup() {
	load test_helper/common-setup
	_common_setup
}

# same_as_json TRACE: --csv's records and --json's objects of TRACE's runs
# agree value for value, and the header names each run's every value
same_as_json() {
	local t="$ROOT/lessons/traces/$1"

	command -v python3 >/dev/null ||
		skip "python3 reads the CSV here: sudo make deps (asciinema brings it)"

	zcviz --replay "$t" --json >"$BATS_TEST_TMPDIR/runs.json"
	zcviz --replay "$t" --csv >"$BATS_TEST_TMPDIR/runs.csv"
	python3 - "$BATS_TEST_TMPDIR/runs.json" "$BATS_TEST_TMPDIR/runs.csv" <<'PY'
import csv, json, sys

def flat(o, pre=""):
    for k, v in o.items():
        if isinstance(v, dict):
            yield from flat(v, pre + k + ".")
        elif not isinstance(v, list):
            yield pre + k, "" if v is None else \
                {True: "true", False: "false"}.get(v, v) if isinstance(v, bool) else v

runs = [dict(flat(json.loads(l, parse_float=str, parse_int=str)))
        for l in open(sys.argv[1])]
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(rows) == len(runs), (len(rows), len(runs))
for run, row in zip(runs, rows):
    for k, v in run.items():
        assert row[k] == v, (k, row[k], v)
    extra = [k for k in row if k not in run and row[k] != ""]
    assert not extra, extra
print(len(rows), "runs,", len(rows[0]), "columns")
PY
}

@test "--csv prints each run's every JSON value, a nested one as a.b, null as an empty field" {
	run -0 same_as_json sendfile.trace
	assert_output --regexp "^1 runs, [0-9]{2} columns$"
	run -0 zcviz --replay "$ROOT/lessons/traces/sendfile.trace" --csv
	assert_line --index 0 --partial "demo,file_bytes,chunk_bytes,sg,cold,verified,"
	assert_line --index 0 --partial ",context_switches.voluntary,"
	assert_line --index 1 --regexp '^sendfile,2097152,131072,false,'
}

@test "--csv of several runs: one record each, in the trace's order, under the columns of all of them" {
	run -0 same_as_json classic.trace
	assert_output --regexp "^4 runs, [0-9]+ columns$"
	run -0 zcviz --replay "$ROOT/lessons/traces/classic.trace" --csv
	assert_equal "${#lines[@]}" 5
	# classic's demos, in the table's order
	assert_equal "$(printf '%s\n' "${lines[@]:1}" | cut -d, -f1)" \
		"$(zcviz --list-demos | awk -F'\t' '$10 == "classic" { print $1 }')"
	# each demo's own syscall has a column: mmap's, sendfile's
	assert_line --index 0 --partial "syscalls.mmap"
	assert_line --index 0 --partial "syscalls.sendfile"
}

@test "a quote, a comma or a line end in a value is quoted as RFC 4180 says" {
	run -0 zcviz --replay "$ROOT/lessons/traces/sendfile.trace" --csv
	# the sender's summary has commas: one quoted field
	assert_line --index 1 --partial ',"zc-sendfile: sent 2097152 bytes'
	run -0 same_as_json java-transferto.trace
}

@test "--csv is one of the printed outputs: --help names it, and it is no --cast" {
	run -0 zcviz --help
	assert_line --regexp '^      --csv +print one CSV line per run'
	run -2 zcviz --csv --cast "$BATS_TEST_TMPDIR/x.cast" sendfile
	assert_output --partial "not with --report, --json or --csv"
}
