# Runs once around the whole suite: whatever the tests did, none of the
# labs it made (tagged with ZCLAB_TAG) may be left when it ends.

setup_suite() {
	load test_helper/common-setup
	ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	export ZCLAB_TAG="bats-$$-$RANDOM"
	user_root_make
	export USER_ROOT ZC_USER_COPY
}

teardown_suite() {
	[ -z "${ZC_USER_COPY:-}" ] || rm -rf "$ZC_USER_COPY"
	no_lab_left
}
