# Runs once around the whole suite: whatever the tests did, no zclab-
# namespace or veth may be left when it ends.

zclab_things() {
	{
		ip netns list 2>/dev/null
		ip -o link show 2>/dev/null | awk -F': ' '{ print $2 }'
	} | grep -o 'zclab-[a-z0-9]*-[a-z]*' | sort -u
}

setup_suite() {
	zclab_things >"$BATS_SUITE_TMPDIR/zclab-before"
}

teardown_suite() {
	local left
	left=$(zclab_things | comm -13 "$BATS_SUITE_TMPDIR/zclab-before" -)
	if [ -n "$left" ]; then
		echo "left behind by the tests: $left" >&2
		return 1
	fi
}
