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
