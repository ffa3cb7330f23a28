/* SPDX-License-Identifier: Apache-2.0 */
/* Character sets of uploaded text files: works out whether a file is UTF-8
 * (with or without a byte order mark) or Windows-1252, which is what Excel
 * and older Windows tools write, and turns it into UTF-8. What is neither
 * (UTF-16, UTF-32, binary files) is refused with a reason a person can act
 * on. It knows nothing of CSV or of what the text is for. */
#ifndef BRUG_UTIL_CHARSET_H
#define BRUG_UTIL_CHARSET_H

#include <stddef.h>

struct brug_err;

enum charset {
	CHARSET_UTF8,        /* valid UTF-8 without a byte order mark (ASCII too) */
	CHARSET_UTF8_BOM,    /* valid UTF-8 after EF BB BF, which is stripped */
	CHARSET_WINDOWS_1252 /* converted to UTF-8 */
};

/* Turns the n bytes at in into UTF-8. The decision, in this order:
 * 1. A UTF-16 or UTF-32 byte order mark: refused, "the file is UTF-16; save
 *    it as CSV UTF-8" (or UTF-32).
 * 2. EF BB BF: stripped; the rest must be valid UTF-8 (CHARSET_UTF8_BOM),
 *    or "the file starts with a UTF-8 byte order mark but byte 0xE9 at
 *    line N is not UTF-8; save it as CSV UTF-8".
 * 3. NUL bytes: refused. When the NULs sit where UTF-16 or UTF-32 puts them
 *    (every second or every fourth byte of the first 4 KiB, mostly), as for
 *    UTF-16 without a byte order mark, the message says so as in 1;
 *    otherwise "this is not a text file: NUL byte at line N".
 * 4. C0 control characters other than tab, LF, FF and CR: refused as "this
 *    is not a text file" when there are two or more and they make up more
 *    than 1/32 of the bytes (a stray vertical tab or a DOS end-of-file
 *    0x1A is let through; binary data is not).
 * 5. Valid UTF-8 (util/utf8.h's utf8_valid): CHARSET_UTF8.
 * 6. Otherwise: Windows-1252, every byte mapped through the full table
 *    (0x80 is the euro sign, 0x93 a left double quote, ...), except:
 *    - the five bytes 1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D)
 *      are refused: "unknown encoding: byte 0x81 at line N";
 *    - a file that holds at least as many well-formed multi-byte UTF-8
 *      sequences as bytes that are not UTF-8 is taken for UTF-8 with a few
 *      bad bytes (two files pasted together, a broken editor) and refused:
 *      "the file is UTF-8 mixed with another encoding: byte 0xFC at line N
 *      is not UTF-8; save it as CSV UTF-8". Reading it as 1252 would turn
 *      every accented letter into two ("CafÃ©") without a word, and real
 *      1252 text almost never holds such sequences (a letter like Ã
 *      followed by a symbol from 0x80-0xBF).
 * Lines are counted from 1; LF, CR LF and a lone CR each end one.
 * On success 0; *out gets a NUL-terminated copy (the caller frees it, also
 * when *out_n is 0), *out_n its length without the NUL, *found (may be
 * NULL) the character set. On failure BRUG_EINVAL (or BRUG_ETOOBIG when the
 * converted text would not fit in a size_t), nothing is written to the
 * outputs, and err (may be NULL) gets the code's generic key
 * (rc_message_key) and the English message in detail. Reads nothing past
 * in[n-1]; in need not be NUL-terminated. Thread-safe. */
int charset_to_utf8(const char *in, size_t n, char **out, size_t *out_n, enum charset *found,
		    struct brug_err *err);

/* "utf-8", "utf-8-bom" or "windows-1252"; "unknown" for a value outside the
 * enum. Static. Thread-safe. */
const char *charset_name(enum charset c);

#endif
