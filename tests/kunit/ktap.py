#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise KUnit KTAP results, one line per test case.

usage: ktap.py FILE...   (one file per suite, as in debugfs kunit/*/results)

Prints "PASS suite.case", "FAIL suite.case" or "SKIP suite.case" for every
case (parameterised cases list their parameters below them), then a line
"kunit: N passed, N failed, N skipped".  A suite whose plan promises more
cases than it reports (a crash mid-suite) counts the missing ones as
failures.  Exits 1 if anything failed or nothing ran.
"""
import re
import sys

RESULT = re.compile(r'^(\s*)(ok|not ok) (\d+) ?(.*?)(?: # (SKIP|TODO)\b ?(.*))?$')
PLAN = re.compile(r'^(\s*)1\.\.(\d+)$')
SUBTEST = re.compile(r'^(\s*)# Subtest: (.*)$')


def parse(path):
    lines = open(path, encoding='utf-8', errors='replace').read().splitlines()
    results = []  # (indent, ok, name, directive)
    plans = {}
    suite = None
    for line in lines:
        m = SUBTEST.match(line)
        if m and suite is None:
            suite = m.group(2).strip()
            continue
        m = PLAN.match(line)
        if m:
            plans.setdefault(len(m.group(1)), int(m.group(2)))
            continue
        m = RESULT.match(line)
        if m:
            results.append((len(m.group(1)), m.group(2) == 'ok',
                            m.group(4).strip(), m.group(5)))
    if not results:
        return suite or path, [], 0
    levels = sorted({r[0] for r in results})
    top = levels[0]
    if suite is None:
        suite = [r for r in results if r[0] == top][-1][2]
    case_level = levels[1] if len(levels) > 1 else top
    cases = []
    params = []
    for indent, ok, name, directive in results:
        if indent > case_level:
            params.append((ok, name, directive))
        elif indent == case_level and (len(levels) > 1 or indent == top):
            cases.append((ok, name, directive, params))
            params = []
    plan = plans.get(case_level, len(cases))
    return suite, cases, max(0, plan - len(cases))


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    passed = failed = skipped = 0
    for path in sys.argv[1:]:
        suite, cases, missing = parse(path)
        for ok, name, directive, params in cases:
            if directive == 'SKIP':
                verdict = 'SKIP'
                skipped += 1
            elif ok:
                verdict = 'PASS'
                passed += 1
            else:
                verdict = 'FAIL'
                failed += 1
            print(f'{verdict} {suite}.{name}')
            for pok, pname, pdir in params:
                word = 'skip' if pdir == 'SKIP' else 'ok' if pok else 'FAILED'
                print(f'       {word}: {pname}')
        for _ in range(missing):
            print(f'FAIL {suite}: a case did not report (crash?)')
            failed += 1
    print(f'kunit: {passed} passed, {failed} failed, {skipped} skipped')
    return 1 if failed or passed == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
