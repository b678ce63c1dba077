// SPDX-License-Identifier: GPL-2.0
/*
 * Title validation.  A title is 1..max_len bytes of well-formed UTF-8
 * (no overlong forms, no surrogates, nothing above U+10FFFF) and contains no
 * control character: neither C0 (U+0000..U+001F), DEL (U+007F) nor C1
 * (U+0080..U+009F).  Titles therefore never carry NUL, newlines or tabs, so
 * a one-line-per-entry output stays unambiguous.
 *
 * Owns: what a valid title is; the caller gives the length limit.
 * Must not: read a parameter or depend on anything else of the module.
 */
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/export.h>

#include "title.h"

/*
 * Decode one UTF-8 sequence at @s (at most @left bytes).  Returns its length
 * and stores the code point in @cp, or returns 0 if the sequence is
 * malformed.
 */
static size_t todo_utf8_decode(const unsigned char *s, size_t left, u32 *cp)
{
	size_t n, i;
	u32 c = s[0];
	u32 min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/**
 * todo_title_check() - Validate an entry title.
 * @title: the title's bytes; need not be NUL-terminated.
 * @len: number of bytes in @title.
 * @max_len: largest acceptable @len.
 *
 * Context: any.
 * Return: 0 if the title is acceptable, -EINVAL if it is empty, is not
 * well-formed UTF-8 or contains a control character, -EMSGSIZE if it is
 * longer than @max_len bytes.
 */
int todo_title_check(const char *title, size_t len, size_t max_len)
{
	const unsigned char *s = (const unsigned char *)title;
	size_t i = 0, n;
	u32 cp;

	if (len == 0)
		return -EINVAL;
	if (len > max_len)
		return -EMSGSIZE;
	while (i < len) {
		n = todo_utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return -EINVAL;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return -EINVAL;
		i += n;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(todo_title_check);
