#!/bin/sh
# The example job's test step: fails (exit 1) unless greeting.txt says hello.
set -e
grep -q '^hello' greeting.txt
echo "test passed: $(cat greeting.txt)"
