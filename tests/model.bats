#!/usr/bin/env bats
# The accounting model (viz/model.c) turns counters into the right arrows,
# kinds and theory: unit tests with synthetic counters, no BPF, no root.

setup() {
	load test_helper/common-setup
	_common_setup
}

@test "the model's unit tests pass" {
	run -0 "$ROOT/build/test-model"
	assert_output --regexp "^[0-9]+ checks, 0 failed$"
}
