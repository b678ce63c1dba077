# SPDX-License-Identifier: GPL-2.0
# Shared settings for the VM scripts: where the cached test kernel lives.
# Sourced, not run.

TODO_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TODO_CACHE=${TODO_CACHE:-/var/cache/todo}
TODO_KSRC_PKG=linux-source-6.12
TODO_KCONFIG=$TODO_TOP/tests/vm/kernel.config

# The cache key: the source package's version and the fragment's hash.
todo_kernel_dir()
{
	local ver hash

	ver=$(dpkg-query -W -f '${Version}' "$TODO_KSRC_PKG" 2>/dev/null) ||
		ver=unknown
	hash=$(sha256sum "$TODO_KCONFIG" | cut -c1-12)
	echo "$TODO_CACHE/linux-$ver-$hash"
}

# Hold the cache's lock for NAME (build-kernel, stock-kernel) until the
# calling script exits: a second build waits for the first, then finds its
# tree built and reuses it, instead of deleting the half-built one.
todo_cache_lock()
{
	local lock=$TODO_CACHE/.$1.lock

	mkdir -p "$TODO_CACHE"
	exec 9> "$lock"
	if ! flock -n 9; then
		echo "$1: $lock is held by another build; waiting for it" >&2
		flock 9
	fi
}
