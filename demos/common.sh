# demos/common.sh: what lab.sh, nginx.sh and kafka.sh share, sourced by
# each once it has set HERE (its own directory): where the programs and
# zcviz are, and how a command is shown so that it can be pasted.
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
