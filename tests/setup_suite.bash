# Runs once around the whole suite: whatever the tests did, no zclab-
# namespace or veth may be left when it ends.

setup_suite() {
	load test_helper/common-setup
	labs_snapshot
	export LABS_BEFORE
}

teardown_suite() {
	no_lab_left
}
