# demos/common.sh: what lab.sh, servers.sh, nginx.sh and kafka.sh share,
# sourced by each once it has set HERE (its own directory): where the
# programs and zcviz are, how a command is shown so that it can be pasted,
# and zcviz -p started in the background.
#
# As built, the programs are in build/ beside demos/ (ZC_BUILD: elsewhere;
# lab.sh's tests use it); as installed (make install), beside the scripts,
# and zcviz in ../../bin.
if [ -z "${ZC_BUILD:-}" ] && [ -x "$HERE/zc-sink" ]; then
	BUILD=$HERE
	ZCVIZ=$HERE/../../bin/zcviz
else
	BUILD=${ZC_BUILD:-$(dirname "$HERE")/build}
	ZCVIZ=$BUILD/zcviz
fi

quote() { # quote WORD...: the words as one line that a shell reads back as they are
	local w line=""
	for w in "$@"; do
		if [[ $w =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then
			line+=" $w"
		elif [[ $w != *"'"* ]]; then
			line+=" '$w'"
		else
			line+=" $(printf '%q' "$w")"
		fi
	done
	echo "${line# }"
}

# zcviz_watching DIR ARGS...: zcviz ARGS (a watch: -p PID) in the
# background, its output in DIR/zcviz.out and DIR/zcviz.err, once it says
# it is watching; WATCHER is its pid. The caller's die says why it is not.
zcviz_watching() {
	local dir=$1 i
	shift
	"$ZCVIZ" "$@" >"$dir/zcviz.out" 2>"$dir/zcviz.err" &
	WATCHER=$!
	for i in $(seq 200); do
		grep -q "^zcviz: watching " "$dir/zcviz.err" && return 0
		kill -0 "$WATCHER" 2>/dev/null || die 3 "zcviz -p failed: $(head -n 1 "$dir/zcviz.err")"
		sleep 0.05
	done
	die 3 "zcviz -p did not start watching within 10 s"
}
